/* redact.h - masks secrets by value in everything conform writes. */
#ifndef CF_REDACT_H
#define CF_REDACT_H

#include <stddef.h>

#include "base/buf.h"
#include "base/bindings.h"

/* A secret's prefix at least this long (and half the secret) is masked too. */
#define CF_REDACT_PREFIX_MIN 8u

/* What to mask: the value of every secret variable (as "<redacted:NAME>"), and any prefix of
 * it that gives most of it away (at least half, at least CF_REDACT_PREFIX_MIN bytes), and the
 * values of pre-signed URL parameters X-Amz-Signature, X-Amz-Credential and X-Amz-Security-Token
 * (as
 * "<redacted>"), wherever they appear. Memory: owns copies of the values; cleanup accepts
 * NULL; zero-initialised masks nothing but URL signatures. */
typedef struct {
    char **values; /* longest first, so a secret that contains another is masked whole */
    char **names;
    size_t count;
    unsigned char starts[256]; /* 1 for a byte that begins some value: the fast path skips
                                  every other byte */
    char start_set[16];        /* the same bytes as a list, while there are few: memchr finds
                                  the next candidate faster than a byte loop */
    size_t start_count;        /* > 15: too many for the list, the table is used */
} cf_redactor;

CF_WUR cf_rc cf_redactor_init(cf_redactor *r, const cf_bindings *vars);
void cf_redactor_cleanup(cf_redactor *r);
/* Adds one more value to mask (e.g. a credential sent literally), labelled `name`. */
CF_WUR cf_rc cf_redactor_add(cf_redactor *r, const char *name, const char *value);

/* Appends `in` (len bytes) to `out` with every secret masked. */
CF_WUR cf_rc cf_redact(const cf_redactor *r, const char *in, size_t len, cf_buf *out);
/* Convenience: a new NUL-terminated redacted copy (caller frees), NULL on failure. */
char *cf_redact_dup(const cf_redactor *r, const char *in, size_t len, size_t max);

/* Whether `text` contains `secret`, or a prefix of it that gives most of it away. */
int cf_secret_in(const char *secret, const char *text, size_t len);
/* Whether `text` still contains any secret value, or a prefix that cf_redact would mask. */
int cf_redactor_finds(const cf_redactor *r, const char *text, size_t len);

/* JSON escapes (\u0063...) hide a secret from byte matching. Returns a copy of `json` whose
 * decoded strings holding a secret are masked, or NULL when no decoded string holds one (or
 * memory ran out). Caller frees with cJSON_Delete(). */
struct cJSON;
struct cJSON *cf_redact_json(const cf_redactor *r, const struct cJSON *json);

#endif
