/* Test hooks: see testhook.h. */
#include "testhook.h"

#include "os.h"

#include <stdio.h>
#include <stdlib.h>

unsigned gp_test_pause_ms(const char *hook)
{
    const char *v = gp_os_getenv(hook);
    if (!v || !*v)
        return 0;
    char *end;
    unsigned long ms = strtoul(v, &end, 10);
    return *end || ms > 60000 ? 0 : (unsigned)ms;
}

void gp_test_pause(const char *hook)
{
    unsigned ms = gp_test_pause_ms(hook);
    if (!ms)
        return;
    const char *mark = gp_os_getenv("GRADPACK_TEST_PAUSE_MARK");
    if (mark && *mark) {
        FILE *f = fopen(mark, "w");
        if (f)
            fclose(f);
    }
    gp_os_sleep_ms(ms);
}
