/* Progress on stderr while a long run works: "检查照片 120/300（40%）
 * 每秒 55 张，还需约 3 秒", rewritten in place.  Only when stderr is a
 * terminal and the run is not --quiet; nothing otherwise (logs and pipes
 * stay clean).  The library calls cli_progress_update from worker threads,
 * serialised, through gp_progress_fn. */
#include "commands.h"

#include <stdio.h>

void cli_progress_init(cli_progress *p, const output_options *out, const char *what)
{
    p->what = what;
    p->enabled = !out->quiet && gp_is_terminal(GP_STDERR);
    p->start = gp_clock_seconds();
    p->last = 0;
    p->shown = false;
}

void cli_progress_update(void *context, size_t done, size_t total)
{
    cli_progress *p = context;
    if (!p->enabled || total == 0)
        return;
    double t = gp_clock_seconds();
    /* ten updates a second at most, but always the last one */
    if (done < total && p->shown && t - p->last < 0.1)
        return;
    p->last = t;
    p->shown = true;
    double elapsed = t - p->start;
    fprintf(stderr, "\r%s %zu/%zu（%d%%）", p->what, done, total, (int)(done * 100 / total));
    if (done > 0 && elapsed > 0.5) {
        double rate = (double)done / elapsed;
        fprintf(stderr, "，每秒 %.1f 张", rate);
        if (done < total)
            fprintf(stderr, "，还需约 %.0f 秒", (double)(total - done) / rate + 0.5);
    }
    fputs("\x1b[K", stderr); /* erase what a longer line left */
    fflush(stderr);
}

void cli_progress_end(cli_progress *p)
{
    if (p->enabled && p->shown) {
        fputs("\r\x1b[K", stderr);
        fflush(stderr);
    }
    p->shown = false;
}
