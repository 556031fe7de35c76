/* record.c - text forms of an exchange for reports, redacted as they are made. */
#include "check/record.h"
#include "base/shell.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A record holds at most CF_MAX_HEADER_COUNT cut headers and a cut body: far below this. */
#define RECORD_MAX (1024u * 1024u)
#define HEADER_NAME_MAX 256u
#define HEADER_VALUE_MAX 1024u

/* Whether `name` is a header some credential of the contract travels in. */
static int is_auth(const cf_api *api, const char *name)
{
    for (size_t i = 0; api && i < api->credential_count; i++) {
        const cf_api_credential *c = &api->credentials[i];
        if (c->in == CF_API_IN_HEADER && c->name && strcasecmp(c->name, name) == 0)
            return 1;
    }
    return 0;
}

/* Appends text, redacted and then cut to `max` bytes: cut first, a secret straddling the cut
 * would survive as a prefix the final redaction no longer recognises. */
static cf_rc add_text(cf_buf *b, const char *body, size_t len, size_t max, const cf_secrets *r)
{
    size_t longest = cf_secrets_longest(r);
    /* Every secret that starts inside the kept part ends inside this window. */
    size_t window = len > max + longest ? max + longest : len;
    cf_buf clean;
    cf_buf_init(&clean, window * 16 + 1024);
    cf_rc rc = cf_secrets_redact(r, body, window, &clean);
    size_t keep = len > max && clean.len > max ? max : clean.len;
    size_t run = 0; /* start of the pending run of bytes that need no escape */
    for (size_t i = 0; i < keep && rc == CF_OK; i++) {
        unsigned char c = (unsigned char)clean.ptr[i];
        if (!((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f))
            continue;
        rc = cf_buf_add(b, clean.ptr + run, i - run);
        if (rc == CF_OK)
            rc = cf_buf_addf(b, "\\x%02x", c);
        run = i + 1;
    }
    if (rc == CF_OK && keep > run)
        rc = cf_buf_add(b, clean.ptr + run, keep - run);
    if (rc == CF_OK && len > max)
        rc = cf_buf_addf(b, "... (%zu more bytes)", len - max);
    cf_buf_free(&clean);
    return rc;
}

/* "name: value\n" with both cut, so no header can blow up a record. */
static cf_rc add_header_line(cf_buf *b, const char *name, const char *value, const cf_secrets *r)
{
    cf_rc rc = add_text(b, name, strlen(name), HEADER_NAME_MAX, r);
    if (rc == CF_OK)
        rc = cf_buf_adds(b, ": ");
    if (rc == CF_OK)
        rc = add_text(b, value, strlen(value), HEADER_VALUE_MAX, r);
    return rc == CF_OK ? cf_buf_addc(b, '\n') : rc;
}

/* Redacts the assembled text into a new string. Pieces were redacted before their control
 * bytes were escaped; this second pass catches a secret that an escape completes ("\x1c" +
 * "onform-..." reads "conform-..."). */
static char *finish(cf_buf *raw, cf_rc rc, const cf_secrets *r)
{
    char *out =
        rc == CF_OK ? cf_secrets_redact_dup(r, cf_buf_str(raw), raw->len, RECORD_MAX * 2) : NULL;
    cf_buf_free(raw);
    return out;
}

char *cf_record_request(const cf_api *api, const cf_request *q, const cf_secrets *r)
{
    cf_buf b;
    cf_buf_init(&b, RECORD_MAX);
    cf_rc rc = cf_buf_addf(&b, "%s %s\n", q->method ? q->method : "?", q->url ? q->url : "?");
    for (size_t i = 0; rc == CF_OK && i < q->headers.count; i++) {
        const cf_header *h = &q->headers.items[i];
        rc = add_header_line(&b, h->name, is_auth(api, h->name) ? "<redacted>" : h->value, r);
    }
    if (rc == CF_OK && q->body) {
        rc = cf_buf_addc(&b, '\n');
        if (rc == CF_OK)
            rc = add_text(&b, q->body, q->body_len, CF_RECORD_BODY_MAX, r);
    }
    return finish(&b, rc, r);
}

char *cf_record_response(const cf_response *resp, const cf_secrets *r)
{
    cf_buf b;
    cf_buf_init(&b, RECORD_MAX);
    cf_rc rc;
    if (resp->transport_rc != CF_OK) {
        rc = cf_buf_adds(&b, "(no response: ");
        if (rc == CF_OK)
            rc = add_text(&b, resp->transport_error, strlen(resp->transport_error), 512, r);
        if (rc == CF_OK)
            rc = cf_buf_addc(&b, ')');
    } else
        rc = cf_buf_addf(&b, "HTTP %ld (%.0f ms)\n", resp->status, resp->elapsed_ms);
    for (size_t i = 0; rc == CF_OK && resp->transport_rc == CF_OK && i < resp->headers.count; i++)
        rc = add_header_line(&b, resp->headers.items[i].name, resp->headers.items[i].value, r);
    if (rc == CF_OK && resp->transport_rc == CF_OK && resp->body.len) {
        rc = cf_buf_addc(&b, '\n');
        /* A secret hidden by JSON escapes is masked in a re-printed copy of the body. */
        cJSON *masked = resp->json ? cf_secrets_redact_json(r, resp->json) : NULL;
        char *printed = masked ? cJSON_PrintUnformatted(masked) : NULL;
        if (rc == CF_OK && masked && !printed)
            rc = CF_E_NOMEM;
        else if (rc == CF_OK && printed)
            rc = add_text(&b, printed, strlen(printed), CF_RECORD_BODY_MAX, r);
        else if (rc == CF_OK)
            rc = add_text(&b, resp->body.ptr, resp->body.len, CF_RECORD_BODY_MAX, r);
        free(printed);
        cJSON_Delete(masked);
    }
    return finish(&b, rc, r);
}

/* Appends s inside single quotes, shell-safe, redacted first: quoting rewrites a secret that
 * holds a quote, so masking afterwards would miss it. */
static cf_rc add_quoted(cf_buf *b, const char *s, size_t len, const cf_secrets *r)
{
    cf_buf clean;
    cf_buf_init(&clean, len * 8 + 1024);
    cf_rc rc = cf_secrets_redact(r, s, len, &clean);
    if (rc == CF_OK)
        rc = cf_shell_quote(b, cf_buf_str(&clean), clean.len);
    cf_buf_free(&clean);
    return rc;
}

/* The secret variable whose value this is, or NULL. */
static const char *secret_name(const cf_bindings *vars, const char *value)
{
    for (size_t i = 0; vars && i < vars->count; i++)
        if (vars->items[i].secret && strcmp(vars->items[i].value, value) == 0)
            return vars->items[i].name;
    return NULL;
}

char *cf_record_curl(const cf_api *api, const cf_request *q, const cf_secrets *r)
{
    const cf_bindings *vars = cf_secrets_vars(r);
    cf_buf b;
    cf_buf_init(&b, RECORD_MAX);
    cf_rc rc = cf_buf_addf(&b, "curl -sS -i -X %s ", q->method ? q->method : "GET");
    if (rc == CF_OK)
        rc = add_quoted(&b, q->url ? q->url : "", q->url ? strlen(q->url) : 0, r);
    for (size_t i = 0; rc == CF_OK && i < q->headers.count; i++) {
        const cf_header *h = &q->headers.items[i];
        const char *secret = secret_name(vars, h->value);
        if (secret) {
            rc = cf_buf_addf(&b, " -H \"%s: ${CONFORM_VAR_", h->name);
            for (const char *c = secret; rc == CF_OK && *c; c++)
                rc = cf_buf_addc(&b, (char)toupper((unsigned char)*c));
            if (rc == CF_OK)
                rc = cf_buf_adds(&b, "}\"");
        } else if (is_auth(api, h->name)) {
            rc = cf_buf_addf(&b, " -H '%s: <redacted>'", h->name);
        } else {
            rc = cf_buf_adds(&b, " -H ");
            cf_buf hv;
            cf_buf_init(&hv, 70000);
            size_t vlen = strlen(h->value);
            if (rc == CF_OK && vlen > HEADER_VALUE_MAX)
                rc = cf_buf_addf(&hv, "%s: <%zu-byte value: rerun the case with conform>", h->name,
                                 vlen);
            else if (rc == CF_OK)
                rc = cf_buf_addf(&hv, "%s: %s", h->name, h->value);
            if (rc == CF_OK)
                rc = add_quoted(&b, cf_buf_str(&hv), hv.len, r);
            cf_buf_free(&hv);
        }
    }
    if (rc == CF_OK && q->body) {
        if (q->body_len > CF_RECORD_BODY_MAX) {
            rc = cf_buf_addf(&b, " --data-binary '<%zu-byte body: rerun the case with conform>'",
                             q->body_len);
        } else {
            rc = cf_buf_adds(&b, " --data-binary ");
            if (rc == CF_OK)
                rc = add_quoted(&b, q->body, q->body_len, r);
        }
    }
    return finish(&b, rc, r);
}
