/* PLACEHOLDER: gradpack pack is being built; this file is replaced by its real implementation. */
#include "commands.h"

void help_pack(FILE *out)
{
    fputs("gradpack pack: not built yet\n", out);
}

int cmd_pack(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("gradpack pack: not built yet\n", stderr);
    return EXIT_FAILURE_RUN;
}
