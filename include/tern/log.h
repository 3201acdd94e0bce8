/*
 * Logging with a compile-time level and a hook set by the port. Messages
 * below TERN_CFG_LOG_LEVEL are compiled out entirely.
 */
#ifndef TERN_LOG_H
#define TERN_LOG_H

#include <stdarg.h>

#include "tern/config.h"

enum tern_log_level { TERN_LOG_ERROR = 1, TERN_LOG_WARN = 2, TERN_LOG_INFO = 3, TERN_LOG_DEBUG = 4 };

struct tern_stack;
typedef void (*tern_log_fn)(void *ctx, int level, const char *module, const char *fmt, va_list ap);

void tern_log_emit(struct tern_stack *s, int level, const char *module, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

#define TERN_LOG_(s, lvl, mod, ...)                                                                          \
    do {                                                                                                     \
        if (TERN_CFG_LOG_LEVEL >= (lvl))                                                                     \
            tern_log_emit((s), (lvl), (mod), __VA_ARGS__);                                                   \
    } while (0)
#define TERN_LOGE(s, mod, ...) TERN_LOG_(s, TERN_LOG_ERROR, mod, __VA_ARGS__)
#define TERN_LOGW(s, mod, ...) TERN_LOG_(s, TERN_LOG_WARN, mod, __VA_ARGS__)
#define TERN_LOGI(s, mod, ...) TERN_LOG_(s, TERN_LOG_INFO, mod, __VA_ARGS__)
#define TERN_LOGD(s, mod, ...) TERN_LOG_(s, TERN_LOG_DEBUG, mod, __VA_ARGS__)

#endif
