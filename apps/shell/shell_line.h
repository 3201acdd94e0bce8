/*
 * The line syntax both shells (host program, firmware) share: a command name,
 * then arguments separated by blanks (the last one may take the rest of the
 * line), and every answer ending with "ok" or "error: REASON". These
 * functions cut the line, read its words as numbers and addresses, and print
 * the answers; shell.h runs the commands.
 */
#ifndef TERN_SHELL_LINE_H
#define TERN_SHELL_LINE_H

#include <stdbool.h>
#include <stdint.h>

#include "shell_show.h"

/* What a command returns: answered now (ok / error), or later (PENDING: it
 * prints its own ok/error line when it completes; further lines wait). */
typedef enum { CMD_OK, CMD_ERROR, CMD_PENDING } cmd_result;

char *sh_skip_space(char *p);
/* Cut the next word off *p (NUL-terminating it); NULL at the end of the line. */
char *sh_next_word(char **p);
/* Split up to max_args arguments into argv[1..]; with rest, the last one keeps
 * the rest of the line. argv[0] is the caller's. Returns argc; leaves *pp at
 * what was not consumed (non-blank: too many arguments). */
int sh_split_args(char **pp, int max_args, bool rest, char **argv);
/* Print "ok" or "error: ERR" ("failed" if err is empty); nothing for PENDING. Flushes. */
void sh_answer(const sh_out *o, cmd_result r, const char *err);

/* Words as values (also for the programs' command lines); false if malformed. */
/* A decimal number in min..max (digits only). */
bool sh_parse_uint(const char *text, uint32_t min, uint32_t max, uint32_t *out);
/* ADDR/LEN: IPv4 (LEN 0..32). */
bool sh_parse_cidr(const char *text, tern_addr *addr, uint8_t *prefix);
/* ADDR/LEN: IPv6 (LEN 1..128). */
bool sh_parse_cidr6(const char *text, tern_addr *addr, uint8_t *prefix);
/* aa:bb:cc:dd:ee:ff (either case). */
bool sh_parse_mac(const char *text, uint8_t mac[6]);

#endif
