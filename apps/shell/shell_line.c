/* The shells' line syntax (see shell_line.h). */
#include "shell_line.h"

#include <string.h>

char *sh_skip_space(char *p) {
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

char *sh_next_word(char **p) {
    char *w = sh_skip_space(*p);
    if (*w == '\0')
        return NULL;
    char *e = w;
    while (*e != '\0' && *e != ' ' && *e != '\t')
        e++;
    *p = (*e != '\0') ? e + 1 : e;
    *e = '\0';
    return w;
}

int sh_split_args(char **pp, int max_args, bool rest, char **argv) {
    int argc = 1;
    while (argc <= max_args) {
        if (rest && argc == max_args) {
            char *r = sh_skip_space(*pp);
            if (*r == '\0')
                break;
            argv[argc++] = r;
            *pp = r + strlen(r);
            break;
        }
        char *w = sh_next_word(pp);
        if (w == NULL)
            break;
        argv[argc++] = w;
    }
    return argc;
}

void sh_answer(const sh_out *o, cmd_result r, const char *err) {
    if (r == CMD_OK)
        sh_printf(o, "ok\n");
    else if (r == CMD_ERROR)
        sh_printf(o, "error: %s\n", err[0] ? err : "failed");
}
