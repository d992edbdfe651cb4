/* A passwords file for verify and merge: one station's bundle per line,
 *
 *     # 名称<TAB>密码（或 名称 = 密码）
 *     10433-A站-0001-0120	Kq3mT7...
 *     B站 = Xr8...
 *
 * The name is the bundle's file name (with or without .zip; without
 * -partK-of-N it covers every part) or any label (a station's name): when
 * no name matches a bundle, every password is tried on it.  A UTF-8 BOM,
 * CR line ends, blank lines, "#"/";" comments and "[section]" lines are
 * ignored; spaces around the name and the password are dropped. */
#include "commands.h"

#include <stdlib.h>
#include <string.h>

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

void cli_passwords_free(cli_passwords *list)
{
    for (size_t i = 0; i < list->count; i++) {
        free((char *)list->entries[i].name);
        char *pw = (char *)list->entries[i].password;
        memset(pw, 0, strlen(pw));
        free(pw);
    }
    free(list->entries);
    memset(list, 0, sizeof *list);
}

bool cli_read_passwords(const char *command, const char *path, cli_passwords *list)
{
    memset(list, 0, sizeof *list);
    /* read as the library reads every input: a FIFO or device given as
     * --passwords is refused, never waited on */
    gp_error err = {0};
    size_t text_len = 0;
    char *text = gp_read_input_file("密码表", path, 1u << 20, &text_len, &err);
    if (!text) {
        fprintf(stderr, "gradpack %s: %s\n", command, err.message);
        return false;
    }
    int number = 0;
    bool ok = true;
    for (char *next = text; ok && next && *next;) {
        char *line = next;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        number++;
        char *s = line;
        if (number == 1 && !strncmp(s, "\xEF\xBB\xBF", 3))
            s += 3;
        s = trim(s);
        if (!*s || *s == '#' || *s == ';' || *s == '[')
            continue;
        char *sep = strchr(s, '\t');
        if (!sep)
            sep = strchr(s, '=');
        if (!sep) {
            fprintf(stderr,
                    "gradpack %s: 密码表 '%s' 第 %d 行看不懂：每行应为“名称<Tab>密码”或“名称 = 密码”\n",
                    command, path, number);
            ok = false;
            break;
        }
        *sep = '\0';
        char *name = trim(s), *password = trim(sep + 1);
        if (!*name || !*password) {
            fprintf(stderr, "gradpack %s: 密码表 '%s' 第 %d 行缺少%s\n", command, path, number,
                    *name ? "密码" : "名称");
            ok = false;
            break;
        }
        gp_password_entry *grown = realloc(list->entries, (list->count + 1) * sizeof *grown);
        char *n = strdup(name), *p = strdup(password);
        if (!grown || !n || !p) {
            free(n);
            free(p);
            if (grown)
                list->entries = grown;
            fprintf(stderr, "gradpack %s: 内存不足\n", command);
            ok = false;
            break;
        }
        list->entries = grown;
        list->entries[list->count++] = (gp_password_entry){n, p};
    }
    memset(text, 0, text_len); /* the passwords are not left in freed memory */
    free(text);
    if (ok && list->count == 0) {
        fprintf(stderr, "gradpack %s: 密码表 '%s' 里没有任何密码\n", command, path);
        ok = false;
    }
    if (!ok)
        cli_passwords_free(list);
    return ok;
}
