/* PLACEHOLDER: gradpack fix is being built; this file is replaced by its real implementation. */
#include "commands.h"

void help_fix(FILE *out)
{
    fputs("gradpack fix: not built yet\n", out);
}

int cmd_fix(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("gradpack fix: not built yet\n", stderr);
    return EXIT_FAILURE_RUN;
}
