#include "gp_internal.h"

const char *gp_version(void)
{
    return GP_VERSION;
}
