#include "core/base.h"

const char *gp_version(void)
{
    return GP_VERSION;
}
