/* secrets.h - a run's variables and the masking of every secret among them, as one object. */
#ifndef CF_SECRETS_H
#define CF_SECRETS_H

#include <stddef.h>

#include "base/bindings.h"
#include "base/buf.h"

/* A secret's prefix at least this long (and half the secret) is masked too. */
#define CF_SECRETS_PREFIX_MIN 8u
/* A credential sent literally shorter than this is not masked: it would mangle every text. */
#define CF_SECRETS_CREDENTIAL_MIN 4u

/* The variables of a run (names, values, which are secret) and what to mask in everything
 * conform writes: the value of every secret variable (as "<redacted:NAME>"), its JSON-escaped
 * form, any prefix of it that gives most of it away (at least half, at least
 * CF_SECRETS_PREFIX_MIN bytes), and the values of pre-signed URL parameters X-Amz-Signature,
 * X-Amz-Credential and X-Amz-Security-Token (as "<redacted>"), wherever they appear. Built
 * together so that a variable marked secret is always masked.
 *
 * Memory: owns copies of every name and value; cf_secrets_cleanup() accepts NULL;
 * zero-initialised is valid (no variables, masks nothing but URL signatures). A credential
 * layer (cf_secrets_with_credential) borrows its base, which must outlive it. */
typedef struct cf_secrets {
    /* public */
    cf_bindings vars; /* every variable; read through cf_secrets_vars() (a layer has none) */
    /* private: the values to mask */
    char **values; /* longest first, so a secret that contains another is masked whole */
    char **names;
    size_t count;
    unsigned char starts[256];     /* 1 for a byte that begins some value (of this object or its
                                      base): the fast path skips every other byte */
    char start_set[16];            /* the same bytes as a list, while there are few: memchr finds
                                      the next candidate faster than a byte loop */
    size_t start_count;            /* > 15: too many for the list, the table is used */
    const struct cf_secrets *base; /* a credential layer: the run's secrets, borrowed */
} cf_secrets;

/* Copies `vars` (NULL: none) and masks the values of those marked secret. On failure `s` is
 * left empty. */
CF_WUR cf_rc cf_secrets_init(cf_secrets *s, const cf_bindings *vars);
void cf_secrets_cleanup(cf_secrets *s);
/* Adds or replaces variable `name`; a secret value is masked from now on (a value it
 * replaces stays masked: masking too much is safe). */
CF_WUR cf_rc cf_secrets_set(cf_secrets *s, const char *name, const char *value, int secret);
/* Masks one more value (and its JSON-escaped form), labelled `name`, without a variable. */
CF_WUR cf_rc cf_secrets_mask(cf_secrets *s, const char *name, const char *value);
/* The variables (a layer's are its base's); never NULL for a non-NULL `s`. */
const cf_bindings *cf_secrets_vars(const cf_secrets *s);
/* A variable's value, NULL when absent. */
const char *cf_secrets_get(const cf_secrets *s, const char *name);

/* The one literal-credential rule, for the runner and the mock alike: a credential sent
 * literally (an unknown or malformed token rather than a secret variable) is still a
 * credential. When `cred` (len bytes, NULL: none) is at least CF_SECRETS_CREDENTIAL_MIN bytes
 * and no secret of `base` covers it, it is masked too, as "<redacted:credential>". Fills
 * `layer` with an object that masks what `base` masks plus that credential, without copying
 * `base`; clean it up with cf_secrets_cleanup() before `base` goes. CF_E_INVALID when `base`
 * is itself a layer. */
CF_WUR cf_rc cf_secrets_with_credential(const cf_secrets *base, const char *cred, size_t len,
                                        cf_secrets *layer);

/* Appends `in` (len bytes) to `out` with every secret masked. `s` may be NULL. */
CF_WUR cf_rc cf_secrets_redact(const cf_secrets *s, const char *in, size_t len, cf_buf *out);
/* Convenience: a new NUL-terminated redacted copy (caller frees), NULL on failure. */
char *cf_secrets_redact_dup(const cf_secrets *s, const char *in, size_t len, size_t max);
/* Whether `text` contains `secret`, or a prefix of it that gives most of it away. */
int cf_secrets_value_in(const char *secret, const char *text, size_t len);
/* Whether `text` still contains any masked value, or a prefix cf_secrets_redact would mask. */
int cf_secrets_finds(const cf_secrets *s, const char *text, size_t len);
/* Length of the longest value masked (0 when none): a window that holds every secret that
 * starts inside a cut. */
size_t cf_secrets_longest(const cf_secrets *s);

/* JSON escapes (\u0063...) hide a secret from byte matching. Returns a copy of `json` whose
 * decoded strings holding a secret are masked, or NULL when no decoded string holds one (or
 * memory ran out). Caller frees with cJSON_Delete(). (secrets_json.c) */
struct cJSON;
struct cJSON *cf_secrets_redact_json(const cf_secrets *s, const struct cJSON *json);

#endif
