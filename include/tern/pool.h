/*
 * Fixed-size object pools. Exhaustion is normal: tern_pool_get returns NULL
 * and counts the failure; the caller drops and recovers.
 */
#ifndef TERN_POOL_H
#define TERN_POOL_H

#include <stddef.h>
#include <stdint.h>

typedef struct tern_pool {
    void *free_list;
    const char *name;
    uint16_t count; /* elements in the pool */
    uint16_t used;  /* elements handed out */
    uint16_t peak;  /* high-water mark of used */
    uint32_t fails; /* allocations refused */
} tern_pool;

/* Usage of one pool, as reported to the application. */
typedef struct tern_pool_usage {
    const char *name;
    uint16_t count, used, peak;
    uint32_t fails;
} tern_pool_usage;

void tern_pool_init(tern_pool *pool, const char *name, void *mem, size_t elem_size, uint16_t count);
void *tern_pool_get(tern_pool *pool);
void tern_pool_put(tern_pool *pool, void *elem);

#endif
