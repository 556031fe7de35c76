/* utf8.c - the one UTF-8 decoder, shared by the schema validator, the spec loader and the
 * report writers, so they cannot disagree on what is well-formed. */
#include "base/utf8.h"

#include <string.h>

size_t cf_utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    uint32_t v;
    if (c < 0x80) {
        if (cp)
            *cp = c;
        return 1;
    }
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        v = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        v = c & 0x0Fu;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        v = c & 0x07u;
        if (c == 0xF0)
            lo = 0x90; /* overlong */
        else if (c == 0xF4)
            hi = 0x8F; /* past U+10FFFF */
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xC0u) != 0x80u)
            return 0;
        v = (v << 6) | (s[k] & 0x3Fu);
    }
    if (cp)
        *cp = v;
    return len;
}

size_t cf_utf8_length(const char *s, size_t len)
{
    if (!s)
        return len == 0 ? 0 : (size_t)-1;
    const unsigned char *p = (const unsigned char *)s;
    size_t count = 0, i = 0;
    while (i < len) {
        /* ASCII, nearly every byte of a JSON body: eight bytes at a time. */
        uint64_t w;
        if (len - i >= 8 && (memcpy(&w, p + i, 8), (w & 0x8080808080808080ull) == 0)) {
            i += 8;
            count += 8;
            continue;
        }
        size_t n = cf_utf8_next(p + i, len - i, NULL);
        if (n == 0)
            return (size_t)-1;
        i += n;
        count++;
    }
    return count;
}
