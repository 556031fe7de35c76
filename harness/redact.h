/* redact.h - masks secrets by value in everything conform writes. */
#ifndef CF_REDACT_H
#define CF_REDACT_H

#include <stddef.h>

#include "buf.h"
#include "spec.h"
#include "template.h"

/* What to mask: the value of every secret variable (as "<redacted:NAME>"), and the values of
 * pre-signed URL parameters X-Amz-Signature, X-Amz-Credential and X-Amz-Security-Token (as
 * "<redacted>"), wherever they appear. Memory: owns copies of the values; cleanup accepts
 * NULL; zero-initialised masks nothing but URL signatures. */
typedef struct {
    char **values; /* longest first, so a secret that contains another is masked whole */
    char **names;
    size_t count;
} cf_redactor;

CF_WUR cf_rc cf_redactor_init(cf_redactor *r, const cf_bindings *vars);
void cf_redactor_cleanup(cf_redactor *r);
/* Adds one more value to mask (e.g. a credential sent literally), labelled `name`. */
CF_WUR cf_rc cf_redactor_add(cf_redactor *r, const char *name, const char *value);

/* Appends `in` (len bytes) to `out` with every secret masked. */
CF_WUR cf_rc cf_redact(const cf_redactor *r, const char *in, size_t len, cf_buf *out);
/* Convenience: a new NUL-terminated redacted copy (caller frees), NULL on failure. */
char *cf_redact_dup(const cf_redactor *r, const char *in, size_t len, size_t max);

/* Whether `text` still contains any secret value (used by checks and tests). */
int cf_redactor_finds(const cf_redactor *r, const char *text, size_t len);

#endif
