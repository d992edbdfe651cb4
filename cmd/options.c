/* Option errors in Chinese (getopt's own English messages are off: main
 * sets opterr = 0), with "did you mean" for a mistyped long option or
 * subcommand. */
#include "commands.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

size_t cli_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 99;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = a[i - 1] != b[j - 1];
            size_t best = diag + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *cli_closest(const char *word, const char *const *candidates, size_t count)
{
    const char *best = NULL;
    size_t best_d = 3; /* two edits at most, and less than half the word */
    for (size_t i = 0; i < count; i++) {
        size_t d = cli_edit_distance(word, candidates[i]);
        if (d < best_d && d * 2 < strlen(candidates[i])) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best;
}

int cli_bad_option(const char *command, int argc, char **argv, const struct option *longopts,
                   const char *shortopts)
{
    const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
    if (!strncmp(arg, "--", 2)) {
        const char *name = arg + 2;
        size_t len = strcspn(name, "=");
        const char *names[64];
        size_t n = 0;
        for (const struct option *o = longopts; o->name && n < 64; o++) {
            if (strlen(o->name) == len && !strncmp(o->name, name, len)) {
                if (o->has_arg == required_argument)
                    return cli_usage_error(command, "选项 --%s 后面需要一个值", o->name);
                return cli_usage_error(command, "选项 --%s 不需要值", o->name);
            }
            names[n++] = o->name;
        }
        char *word = malloc(len + 1); /* strndup is not in the Windows C runtime */
        if (word) {
            memcpy(word, name, len);
            word[len] = '\0';
        }
        const char *guess = word ? cli_closest(word, names, n) : NULL;
        free(word);
        if (guess)
            return cli_usage_error(command, "不认识的选项 '%s'。您是不是要输入 --%s？", arg, guess);
        return cli_usage_error(command, "不认识的选项 '%s'", arg);
    }
    if (optopt && strchr(shortopts, optopt) && optopt != ':')
        return cli_usage_error(command, "选项 -%c 后面需要一个值", optopt);
    if (optopt)
        return cli_usage_error(command, "不认识的选项 '-%c'", optopt);
    return cli_usage_error(command, "不认识的选项 '%s'", arg);
}
