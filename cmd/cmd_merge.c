/* PLACEHOLDER: gradpack merge is being built; this file is replaced by its real implementation. */
#include "commands.h"

void help_merge(FILE *out)
{
    fputs("gradpack merge: not built yet\n", out);
}

int cmd_merge(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("gradpack merge: not built yet\n", stderr);
    return EXIT_FAILURE_RUN;
}
