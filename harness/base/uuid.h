/* uuid.h - random UUID v4 and random hex strings for tokens, ids and signatures. */
#ifndef CF_UUID_H
#define CF_UUID_H

/* Memory: nothing is allocated; each writes into the caller's buffer. */

#include <stddef.h>

/* Writes a NUL-terminated UUID v4 (36 chars + NUL) from the kernel's random source;
 * falls back to a time-seeded generator if getrandom fails. Cannot fail, thread-safe. */
void cf_uuid_v4(char out[37]);
/* Writes `n` random lowercase hex digits and a NUL into out (n + 1 bytes). */
void cf_random_hex(char *out, size_t n);

#endif
