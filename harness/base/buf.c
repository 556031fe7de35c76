/* buf.c - growth and bounds of cf_buf; all growth goes through grow(). */
#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cf_buf_init(cf_buf *b, size_t max)
{
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void cf_buf_free(cf_buf *b)
{
    if (!b)
        return;
    free(b->ptr);
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
}

void cf_buf_reset(cf_buf *b)
{
    b->len = 0;
    if (b->ptr)
        b->ptr[0] = '\0';
}

/* Make room for `extra` more bytes plus the NUL; frees the buffer when over max. */
static cf_rc grow(cf_buf *b, size_t extra)
{
    if (extra > b->max || b->len > b->max - extra) {
        cf_buf_free(b);
        return CF_E_TOO_LARGE;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return CF_OK;
    /* The first allocation holds what most buffers ever get (a line, a header, a small body):
     * starting smaller cost several reallocations per request. */
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
    char *p = realloc(b->ptr, cap);
    if (!p) {
        cf_buf_free(b);
        return CF_E_NOMEM;
    }
    b->ptr = p;
    b->cap = cap;
    return CF_OK;
}

cf_rc cf_buf_reserve(cf_buf *b, size_t extra)
{
    cf_rc rc = grow(b, extra);
    if (rc == CF_OK)
        b->ptr[b->len] = '\0';
    return rc;
}

cf_rc cf_buf_add_grow(cf_buf *b, const void *data, size_t len)
{
    cf_rc rc = grow(b, len);
    if (rc != CF_OK)
        return rc;
    if (len)
        memcpy(b->ptr + b->len, data, len);
    b->len += len;
    b->ptr[b->len] = '\0';
    return CF_OK;
}

cf_rc cf_buf_vaddf(cf_buf *b, const char *fmt, va_list ap)
{
    /* One pass when the text fits the room already there (nearly always: buffers are
     * reused); only a text that does not fit is measured and printed again. */
    size_t room = b->cap > b->len ? b->cap - b->len : 0; /* the NUL included */
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(room ? b->ptr + b->len : NULL, room, fmt, copy);
    va_end(copy);
    if (n < 0) {
        if (room)
            b->ptr[b->len] = '\0';
        return CF_E_INVALID;
    }
    if ((size_t)n < room) {
        if ((size_t)n > b->max || b->len > b->max - (size_t)n) {
            cf_buf_free(b); /* as grow() does past the maximum */
            return CF_E_TOO_LARGE;
        }
        b->len += (size_t)n;
        return CF_OK;
    }
    if (room)
        b->ptr[b->len] = '\0'; /* the cut text is not kept, whatever happens next */
    cf_rc rc = grow(b, (size_t)n);
    if (rc != CF_OK)
        return rc;
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return CF_OK;
}

cf_rc cf_buf_addf(cf_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cf_rc rc = cf_buf_vaddf(b, fmt, ap);
    va_end(ap);
    return rc;
}

const char *cf_buf_str(const cf_buf *b)
{
    return b->ptr ? b->ptr : "";
}

char *cf_buf_take(cf_buf *b)
{
    char *p = b->ptr;
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}
