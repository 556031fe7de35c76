/* buf.h - cf_buf, the one growable byte buffer (after curl's dynbuf). */
#ifndef CF_BUF_H
#define CF_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "base/rc.h"

/* Memory: a cf_buf owns its bytes; cf_buf_free() releases them and leaves an empty,
 * reusable buffer. cf_buf_take() hands the bytes to the caller (free() them).
 * The contents are always NUL-terminated once anything was added. When an add would
 * pass `max`, the buffer frees itself and the add returns CF_E_TOO_LARGE. */
typedef struct {
    char *ptr;  /* NULL until the first add */
    size_t len; /* bytes used, not counting the NUL */
    size_t cap; /* bytes allocated */
    size_t max; /* hard limit on len */
} cf_buf;

/* Cannot fail. */
void cf_buf_init(cf_buf *b, size_t max);
void cf_buf_free(cf_buf *b);
/* Empty it but keep the allocation. */
void cf_buf_reset(cf_buf *b);
/* Makes room for `extra` more bytes without adding any (fewer reallocations). */
CF_WUR cf_rc cf_buf_reserve(cf_buf *b, size_t extra);
/* cf_buf_add, cf_buf_adds and cf_buf_addc are inline: writers add a few bytes at a time,
 * hundreds of times per request, and the call cost more than the copy. When the room is
 * there they copy; otherwise cf_buf_add_grow() makes it (through grow(), the one growth
 * path) and adds. Call cf_buf_add(), not cf_buf_add_grow(). */
CF_WUR cf_rc cf_buf_add_grow(cf_buf *b, const void *data, size_t len);

CF_WUR static inline cf_rc cf_buf_add(cf_buf *b, const void *data, size_t len)
{
    /* Room already there and within the maximum: what grow() would find, without the call. */
    if (len < b->cap - b->len && b->len + len <= b->max) {
        if (len) /* data may be NULL then */
            memcpy(b->ptr + b->len, data, len);
        b->len += len;
        b->ptr[b->len] = '\0';
        return CF_OK;
    }
    return cf_buf_add_grow(b, data, len);
}

CF_WUR static inline cf_rc cf_buf_adds(cf_buf *b, const char *s)
{
    return cf_buf_add(b, s, strlen(s));
}

CF_WUR static inline cf_rc cf_buf_addc(cf_buf *b, char c)
{
    return cf_buf_add(b, &c, 1);
}
CF_WUR cf_rc cf_buf_addf(cf_buf *b, const char *fmt, ...) CF_PRINTF(2, 3);
CF_WUR cf_rc cf_buf_vaddf(cf_buf *b, const char *fmt, va_list ap);
/* Returns "" for an empty buffer, never NULL. */
const char *cf_buf_str(const cf_buf *b);
/* Hands out the bytes (NUL-terminated, may be NULL if empty) and empties the buffer. */
char *cf_buf_take(cf_buf *b);

#endif
