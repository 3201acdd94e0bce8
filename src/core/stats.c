/* Counter names and lookup. */
#include "tern/stats.h"

#include <string.h>

#include "tern/stack.h"

#if TERN_CFG_STATS
static const char *const stat_names[TERN_STAT_COUNT] = {
#define TERN_STAT_NAME_(id, name) name,
    TERN_STATS_LIST(TERN_STAT_NAME_)
#undef TERN_STAT_NAME_
};

const char *tern_stats_name(unsigned id) {
    return id < TERN_STAT_COUNT ? stat_names[id] : NULL;
}

uint32_t tern_stats_get(const tern_stack *s, unsigned id) {
    return id < TERN_STAT_COUNT ? s->stats.c[id] : 0;
}

long tern_stats_get_by_name(const tern_stack *s, const char *name) {
    for (unsigned i = 0; i < TERN_STAT_COUNT; i++)
        if (strcmp(stat_names[i], name) == 0)
            return (long)s->stats.c[i];
    return -1;
}
#else
const char *tern_stats_name(unsigned id) {
    (void)id;
    return NULL;
}
uint32_t tern_stats_get(const tern_stack *s, unsigned id) {
    (void)s, (void)id;
    return 0;
}
long tern_stats_get_by_name(const tern_stack *s, const char *name) {
    (void)s, (void)name;
    return -1;
}
#endif
