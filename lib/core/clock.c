/* Time, kept out of outputs: archives and workbooks carry a fixed time
 * (SOURCE_DATE_EPOCH when set) so the same inputs give the same bytes. */
#include "core/atomic.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#define FIXED_EPOCH 946684800 /* 2000-01-01T00:00:00Z */

int64_t gpi_reproducible_time(void)
{
    const char *env = getenv("SOURCE_DATE_EPOCH");
    if (env && *env) {
        char *end;
        errno = 0;
        long long v = strtoll(env, &end, 10);
        if (!errno && !*end && v >= 0)
            return v < 315532800 ? 315532800 : v; /* zip cannot hold dates before 1980 */
    }
    return FIXED_EPOCH;
}

int gpi_today(void)
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}
