/* What the shell's files share among themselves (not for the programs). */
#ifndef TERN_SHELL_PRIV_H
#define TERN_SHELL_PRIV_H

#include "shell.h"

/* shell_cmd_net.c */
void sh_ping_check(sh_shell *sh, uint32_t now);
void sh_ping_cancel(sh_shell *sh);
void sh_udp_close(sh_shell *sh);
/* shell_cmd_dns.c */
void sh_dns_check(sh_shell *sh, uint32_t now);
void sh_dns_cancel(sh_shell *sh);
/* shell_cmd_mcast.c */
void sh_mcast_close(sh_shell *sh);
/* shell_cmd_dhcp.c */
void sh_addr_stop(sh_shell *sh);

#endif
