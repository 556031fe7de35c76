/* str.h - string copies, the one place they are made. */
#ifndef CF_STR_H
#define CF_STR_H

#include <stddef.h>

/* A new NUL-terminated copy (caller frees); NULL when s is NULL or memory runs out. */
char *cf_strdup(const char *s);
/* A new NUL-terminated copy of the first len bytes of s (which need not be terminated). */
char *cf_strndup(const char *s, size_t len);

#endif
