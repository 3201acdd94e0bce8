/* Fixed-size object pools (see tern/pool.h). */
#include "tern/pool.h"

#include <string.h>

void tern_pool_init(tern_pool *pool, const char *name, void *mem, size_t elem_size, uint16_t count) {
    uint8_t *base = mem;
    memset(pool, 0, sizeof *pool);
    pool->name = name;
    pool->count = count;
    /* Thread the free list through the elements, first element on top. */
    for (size_t i = count; i > 0; i--) {
        void **elem = (void **)(void *)(base + (i - 1) * elem_size);
        *elem = pool->free_list;
        pool->free_list = elem;
    }
}

void *tern_pool_get(tern_pool *pool) {
    void **elem = pool->free_list;
    if (!elem) {
        pool->fails++;
        return NULL;
    }
    pool->free_list = *elem;
    pool->used++;
    if (pool->used > pool->peak)
        pool->peak = pool->used;
    return elem;
}

void tern_pool_put(tern_pool *pool, void *elem) {
    *(void **)elem = pool->free_list;
    pool->free_list = elem;
    pool->used--;
}
