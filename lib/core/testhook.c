/* Test hooks: see testhook.h. */
#include "testhook.h"

#include "os.h"

#include <stdio.h>
#include <stdlib.h>

unsigned gpi_test_pause_ms(const char *hook)
{
    const char *v = gpi_os_getenv(hook);
    if (!v || !*v)
        return 0;
    char *end;
    unsigned long ms = strtoul(v, &end, 10);
    return *end || ms > 60000 ? 0 : (unsigned)ms;
}

void gpi_test_pause(const char *hook)
{
    unsigned ms = gpi_test_pause_ms(hook);
    if (!ms)
        return;
    const char *mark = gpi_os_getenv("GRADPACK_TEST_PAUSE_MARK");
    if (mark && *mark) {
        FILE *f = fopen(mark, "w");
        if (f)
            fclose(f);
    }
    gpi_os_sleep_ms(ms);
}
