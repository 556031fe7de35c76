/* utf8.h - the one UTF-8 decoder: well-formed sequences only (Unicode table 3-7). */
#ifndef CF_UTF8_H
#define CF_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Memory: nothing is allocated; the input is read in place (it need not be NUL-terminated). */

/* Decodes the character at s (n > 0 bytes available): returns its length in bytes and stores
 * the code point in *cp (cp may be NULL), or returns 0 when the bytes do not start a
 * well-formed sequence (overlong forms, surrogates, code points past U+10FFFF, a cut
 * sequence). */
size_t cf_utf8_next(const unsigned char *s, size_t n, uint32_t *cp);

/* Length of a UTF-8 string in code points; (size_t)-1 when it is not valid UTF-8, or when s
 * is NULL and len is not 0. */
size_t cf_utf8_length(const char *s, size_t len);

#endif
