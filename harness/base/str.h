/* str.h - string copies, the one place they are made, and the comparisons that suggest a
 * name for a typo. */
#ifndef CF_STR_H
#define CF_STR_H

#include <stddef.h>

/* A new NUL-terminated copy (caller frees); NULL when s is NULL or memory runs out. */
char *cf_strdup(const char *s);
/* A new NUL-terminated copy of the first len bytes of s (which need not be terminated). */
char *cf_strndup(const char *s, size_t len);

/* Edit distance (ASCII case-insensitive) between two short strings; (size_t)-1 when either is
 * 32 bytes or longer. */
size_t cf_str_distance(const char *a, const char *b);
/* The name of the NULL-terminated `names` closest to `word` when it is close enough to be a
 * likely typo (distance <= 2, and less than the word's length); NULL when none is. */
const char *cf_str_suggest(const char *word, const char *const *names);
/* Writes the NULL-terminated `names` joined by ", " into out (size n >= 4), ending in "..."
 * when it does not fit. Returns out. */
char *cf_str_join(char *out, size_t n, const char *const *names);

#endif
