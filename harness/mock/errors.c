/* errors.c - the mock's error answers as decisions: which code and status a role gets, and a
 * message that never repeats a secret. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mock/internal.h"

/* No secret of the mock and no presented credential survives (cf_secrets_with_credential: the
 * rule the runner's records follow too), no control character, cut on a UTF-8 boundary. */
void cf_mock_message_set(const cf_mock *m, outcome *o, const char *presented, size_t presented_len,
                         const char *fmt, ...)
{
    /* Whole text first, then redaction, then the cut: a secret cut first would survive as a
     * prefix no redaction recognises. */
    cf_buf raw, clean;
    cf_buf_init(&raw, 256u * 1024u);
    cf_buf_init(&clean, 1024u * 1024u);
    va_list ap;
    va_start(ap, fmt);
    cf_rc rc = cf_buf_vaddf(&raw, fmt, ap);
    va_end(ap);
    cf_secrets cred;
    cf_rc made = cf_secrets_with_credential(&m->secrets, presented, presented_len, &cred);
    if (rc == CF_OK)
        rc = made;
    if (rc == CF_OK)
        rc = cf_secrets_redact(&cred, cf_buf_str(&raw), raw.len, &clean);
    const char *text = rc == CF_OK ? cf_buf_str(&clean) : "invalid request";
    size_t len = 0;
    for (; text[len] && len < CF_MAX_MOCK_MESSAGE; len++) {
        unsigned char c = (unsigned char)text[len];
        o->message[len] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
    }
    if (text[len]) /* cut on a UTF-8 boundary */
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--;
    o->message[len] = '\0';
    cf_secrets_cleanup(&cred);
    cf_buf_free(&raw);
    cf_buf_free(&clean);
}

/* The usual status of a role when the contract names none. */
static int role_status(cf_api_role role)
{
    static const int status[CF_API_ROLE__COUNT] = {
        [CF_API_ROLE_VALIDATION] = 400, [CF_API_ROLE_AUTH] = 401,  [CF_API_ROLE_NOT_FOUND] = 404,
        [CF_API_ROLE_CONFLICT] = 409,   [CF_API_ROLE_QUOTA] = 429, [CF_API_ROLE_THROTTLE] = 429,
        [CF_API_ROLE_INTERNAL] = 500,
    };
    return role >= 0 && role < CF_API_ROLE__COUNT ? status[role] : 500;
}

/* The operation's response for a role: one with a catalogue code first. */
static const cf_api_response *op_response(const cf_api_operation *op, cf_api_role role)
{
    const cf_api_response *any = NULL;
    for (size_t i = 0; op && i < op->response_count; i++) {
        const cf_api_response *r = &op->responses[i];
        if (r->role != role || r->kind == CF_API_STATUS_DEFAULT)
            continue;
        if (r->error_code)
            return r;
        if (!any)
            any = r;
    }
    return any;
}

int cf_mock_has_role(const cf_mock *m, const cf_api_operation *op, cf_api_role role)
{
    if (op)
        return op_response(op, role) != NULL;
    return m->api->roles[role].code != NULL || m->api->roles[role].status != 0;
}

void cf_mock_fail(const cf_mock *m, outcome *o, cf_api_role role)
{
    const cf_api *api = m->api;
    const cf_api_response *r = op_response(o->op, role);
    o->error = 1;
    o->role = role;
    o->code = NULL;
    o->status = 0;
    if (r) {
        o->code = r->error_code;
        o->status = r->kind == CF_API_STATUS_EXACT   ? r->status
                    : r->kind == CF_API_STATUS_RANGE ? r->status * 100
                                                     : 0;
        const cf_api_error *e = r->error_code ? cf_api_error_find(api, r->error_code) : NULL;
        if (e && e->status)
            o->status = e->status;
    }
    if (!o->code && !r) {
        o->code = api->roles[role].code;
        o->status = api->roles[role].status;
    }
    if (!o->status)
        o->status = role_status(role);
}
