/* Two stacks on a virtual wire with a real-time core thread (socksim.h). */
#define _DEFAULT_SOURCE /* usleep */
#include "socksim.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tern/os.h"

static void kick(void *ctx) {
    socksim *w = ctx;
    w->kicked = 1;
    tern_os_cond_signal(&w->kick);
}

/* The thread that drives the core: frames and timers, in batches under the
 * core lock; it sleeps (lock released) until the next timer or a kick. */
static void core_thread(void *arg) {
    socksim *w = arg;
    tern_os_mutex_lock(&w->lock);
    while (!w->stop) {
        uint32_t wait = 0;
        unsigned moved = 0;
        for (int round = 0; round < 64; round++) {
            uint32_t now = tern_os_now_ms();
            moved = tern_vwire_flush(&w->wire);
            uint32_t wa = tern_stack_poll(w->a, now);
            uint32_t wb = tern_stack_poll(w->b, now);
            wait = wa < wb ? wa : wb;
            if (!moved && wait)
                break;
        }
        if (wait > 20u)
            wait = 20u; /* loopback and deferred work: look again soon */
        if (w->spin || moved || !wait) {
            /* Still busy (or spinning for a benchmark): let the other
             * threads have the lock, then go on without sleeping. */
            tern_os_mutex_unlock(&w->lock);
            sched_yield();
            tern_os_mutex_lock(&w->lock);
            continue;
        }
        if (!w->kicked)
            tern_os_cond_wait(&w->kick, &w->lock, wait);
        w->kicked = 0;
    }
    tern_os_mutex_unlock(&w->lock);
}

static tern_stack *new_stack(uint32_t seed) {
    tern_stack *s = malloc(sizeof *s);
    if (s)
        tern_stack_init(s, tern_os_now_ms(), seed);
    return s;
}

static int attach(socksim *w, tern_stack *s, tern_netif *nif, const char *name, uint8_t id, uint32_t ip) {
    uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, id};
    tern_addr a = tern_addr_ipv4(ip);
    if (tern_vwire_attach(&w->wire, nif, name, mac) || tern_netif_add(s, nif))
        return -1;
    tern_netif_set_up(nif, true);
    tern_netif_set_link(nif, true);
#if TERN_CFG_IPV4
    return tern_netif_set_ipv4(nif, &a, 24, NULL) ? -1 : 0;
#else
    (void)a; /* an IPv6-only build: the interface has no IPv4 address */
    return 0;
#endif
}

#if TERN_CFG_IPV6
/* IPv6 on nif with address text/64. */
static int attach6(tern_netif *nif, const char *text) {
    tern_addr a;
    return !tern_addr_parse(text, &a) || tern_ipv6_enable(nif, false) || tern_ipv6_add_addr(nif, &a, 64) ? -1
                                                                                                         : 0;
}

/* Run both stacks (core lock held) until their addresses passed DAD. */
static int wait_dad(socksim *w) {
    tern_addr a, b;
    tern_addr_parse(SOCKSIM_IP6_A, &a);
    tern_addr_parse(SOCKSIM_IP6_B, &b);
    uint32_t start = tern_os_now_ms();
    while (!tern_ipv6_is_local(&w->nif_a, a.bytes) || !tern_ipv6_is_local(&w->nif_b, b.bytes)) {
        if (tern_os_now_ms() - start > 5000u)
            return -1;
        tern_os_mutex_unlock(&w->lock);
        usleep(10000);
        tern_os_mutex_lock(&w->lock);
        tern_stack_poll(w->a, tern_os_now_ms());
        tern_stack_poll(w->b, tern_os_now_ms());
        tern_vwire_flush(&w->wire);
    }
    return 0;
}
#endif

int socksim_start(socksim *w) {
    int spin = w->spin, ipv6 = w->ipv6;
    memset(w, 0, sizeof *w);
    w->spin = spin;
    w->ipv6 = ipv6;
    w->a = new_stack(tern_os_random());
    w->b = new_stack(tern_os_random());
    if (!w->a || !w->b || tern_os_mutex_init(&w->lock) || tern_os_cond_init(&w->kick)) {
        fprintf(stderr, "socksim: out of memory\n");
        return -1;
    }
    tern_vwire_init(&w->wire);
    if (attach(w, w->a, &w->nif_a, "vwa", 1, SOCKSIM_IP_A) ||
        attach(w, w->b, &w->nif_b, "vwb", 2, SOCKSIM_IP_B)) {
        fprintf(stderr, "socksim: cannot set up the wire\n");
        return -1;
    }
#if TERN_CFG_IPV6
    if (ipv6 && (attach6(&w->nif_a, SOCKSIM_IP6_A) || attach6(&w->nif_b, SOCKSIM_IP6_B))) {
        fprintf(stderr, "socksim: cannot enable IPv6\n");
        return -1;
    }
#else
    if (ipv6) {
        fprintf(stderr, "socksim: IPv6 is not compiled in\n");
        return -1;
    }
#endif
    if (tern_sockets_init(&w->sa, w->a, &w->lock) || tern_sockets_init(&w->sb, w->b, &w->lock)) {
        fprintf(stderr, "socksim: cannot create the socket tables\n");
        return -1;
    }
    tern_sockets_set_kick(&w->sa, kick, w);
    tern_sockets_set_kick(&w->sb, kick, w);
    /* Let the gratuitous ARPs go by so the baseline is quiet. */
    tern_os_mutex_lock(&w->lock);
    tern_vwire_flush(&w->wire);
    tern_stack_poll(w->a, tern_os_now_ms());
    tern_stack_poll(w->b, tern_os_now_ms());
    tern_vwire_flush(&w->wire);
#if TERN_CFG_IPV6
    if (ipv6 && wait_dad(w)) {
        tern_os_mutex_unlock(&w->lock);
        fprintf(stderr, "socksim: the IPv6 addresses never passed DAD\n");
        return -1;
    }
#endif
    w->baseline_a = tern_stack_buffers_in_use(w->a);
    w->baseline_b = tern_stack_buffers_in_use(w->b);
    tern_os_mutex_unlock(&w->lock);
    if (tern_os_thread_start(&w->thread, "core", core_thread, w)) {
        fprintf(stderr, "socksim: cannot start the core thread\n");
        return -1;
    }
    return 0;
}

unsigned socksim_buffers(socksim *w) {
    tern_os_mutex_lock(&w->lock);
    unsigned n = tern_stack_buffers_in_use(w->a) + tern_stack_buffers_in_use(w->b);
    tern_os_mutex_unlock(&w->lock);
    return n;
}

static void sleep_ms(socksim *w, uint32_t ms) {
    uint32_t start = tern_os_now_ms();
    tern_os_mutex_lock(&w->lock);
    tern_os_cond c;
    tern_os_cond_init(&c);
    while (tern_os_now_ms() - start < ms)
        tern_os_cond_wait(&c, &w->lock, ms - (tern_os_now_ms() - start));
    tern_os_cond_destroy(&c);
    tern_os_mutex_unlock(&w->lock);
}

unsigned socksim_stop(socksim *w, uint32_t wait_ms) {
    /* Close what the caller left open, then let TCP finish with the core
     * thread still running. */
    for (unsigned i = 0; i < TERN_CFG_SOCKETS_MAX; i++) {
        if (w->sa.socks[i].used)
            tern_close(TERN_SOCK_FD_BASE + w->sa.id * TERN_CFG_SOCKETS_MAX + (int)i);
        if (w->sb.socks[i].used)
            tern_close(TERN_SOCK_FD_BASE + w->sb.id * TERN_CFG_SOCKETS_MAX + (int)i);
    }
    if (wait_ms)
        sleep_ms(w, wait_ms);
    tern_os_mutex_lock(&w->lock);
    w->stop = 1;
    tern_os_cond_signal(&w->kick);
    tern_os_mutex_unlock(&w->lock);
    tern_os_thread_join(&w->thread);
    tern_sockets_deinit(&w->sa);
    tern_sockets_deinit(&w->sb);
    tern_vwire_clear(&w->wire);
    unsigned left = tern_stack_buffers_in_use(w->a) + tern_stack_buffers_in_use(w->b);
    unsigned base = w->baseline_a + w->baseline_b;
    tern_stack_deinit(w->a);
    tern_stack_deinit(w->b);
    free(w->a);
    free(w->b);
    tern_os_cond_destroy(&w->kick);
    tern_os_mutex_destroy(&w->lock);
    return left > base ? left - base : 0;
}
