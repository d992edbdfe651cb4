/* PLACEHOLDER: gradpack verify is being built; this file is replaced by its real implementation. */
#include "commands.h"

void help_verify(FILE *out)
{
    fputs("gradpack verify: not built yet\n", out);
}

int cmd_verify(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("gradpack verify: not built yet\n", stderr);
    return EXIT_FAILURE_RUN;
}
