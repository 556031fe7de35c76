/* response.c - status line, header lines and bounded body in; JSON and envelope kind out. */
#include "http/response.h"

#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/limits.h"

void cf_response_init(cf_response *r, size_t max_body)
{
    memset(r, 0, sizeof(*r));
    cf_buf_init(&r->body, max_body ? max_body : CF_MAX_RESPONSE_BODY);
    r->transport_rc = CF_OK;
}

void cf_response_cleanup(cf_response *r)
{
    if (!r)
        return;
    cf_headers_cleanup(&r->headers);
    cf_buf_free(&r->body);
    cJSON_Delete(r->json);
    free(r->error_code_owned);
    memset(r, 0, sizeof(*r));
}

void cf_response_reset(cf_response *r)
{
    size_t max = r->body.max;
    cf_response_cleanup(r);
    cf_response_init(r, max);
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* "HTTP/" DIGIT ["." DIGIT] SP 3DIGIT [SP reason]; curl also sends "HTTP/2 200 ".
 * Returns 1 and the code when the line (without its line end) has that shape. */
static int parse_status_line(const char *s, size_t len, long *status)
{
    size_t i = 5;
    if (len < 5 || memcmp(s, "HTTP/", 5) != 0)
        return 0;
    if (i >= len || !is_digit(s[i]))
        return 0;
    i++;
    if (i < len && s[i] == '.') {
        i++;
        if (i >= len || !is_digit(s[i]))
            return 0;
        i++;
    }
    if (i >= len || s[i] != ' ')
        return 0;
    while (i < len && s[i] == ' ')
        i++;
    if (len - i < 3 || !is_digit(s[i]) || !is_digit(s[i + 1]) || !is_digit(s[i + 2]))
        return 0;
    long code = (s[i] - '0') * 100 + (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
    i += 3;
    if (i < len && s[i] != ' ')
        return 0;
    if (code < 100)
        return 0;
    *status = code;
    return 1;
}

/* obs-fold (RFC 9112 section 5.2): a recipient replaces it with SP and joins the line to the
 * previous field value. Still reported as a protocol error. */
static cf_rc unfold(cf_response *r, const char *s, size_t len)
{
    if (r->headers.count == 0)
        return CF_E_INVALID;
    while (len && (s[0] == ' ' || s[0] == '\t')) {
        s++;
        len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\r' || s[i] == '\0')
            return CF_E_INVALID;
    if (len == 0)
        return CF_E_INVALID;
    const char *last = r->headers.items[r->headers.count - 1].value;
    if (strlen(last) + len + 1 > CF_MAX_RESPONSE_HEADERS)
        return CF_E_TOO_LARGE;
    cf_rc rc = cf_headers_extend_last(&r->headers, s, len);
    if (rc != CF_OK)
        return rc;
    return CF_E_INVALID;
}

cf_rc cf_response_header_line(cf_response *r, const char *line, size_t len)
{
    if (!line && len)
        return CF_E_INVALID;
    if (r->headers_overflow)
        return CF_E_TOO_LARGE;
    if (len > CF_MAX_RESPONSE_HEADERS - r->header_bytes) {
        r->headers_overflow = 1;
        return CF_E_TOO_LARGE;
    }
    r->header_bytes += len;
    if (len && line[len - 1] == '\n')
        len--;
    if (len && line[len - 1] == '\r')
        len--;
    if (len == 0)
        return CF_OK; /* end of a header block */

    long status;
    if (len >= 5 && memcmp(line, "HTTP/", 5) == 0) {
        if (!parse_status_line(line, len, &status))
            return CF_E_INVALID;
        r->status = status;
        cf_headers_cleanup(&r->headers);
        return CF_OK;
    }
    if (r->status == 0)
        return CF_E_INVALID; /* a header line before any status line */
    if (line[0] == ' ' || line[0] == '\t') {
        cf_rc rc = unfold(r, line, len);
        if (rc == CF_E_TOO_LARGE)
            r->headers_overflow = 1;
        return rc;
    }
    const char *colon = memchr(line, ':', len);
    if (!colon)
        return CF_E_INVALID;
    size_t name_len = (size_t)(colon - line);
    cf_rc rc = cf_headers_addn(&r->headers, line, name_len, colon + 1, len - name_len - 1);
    if (rc == CF_E_TOO_LARGE)
        r->headers_overflow = 1;
    return rc;
}

cf_rc cf_response_body_bytes(cf_response *r, const char *data, size_t len)
{
    if (len == 0)
        return CF_OK;
    if (!data)
        return CF_E_INVALID;
    if (r->body.max == 0)
        r->body.max = CF_MAX_RESPONSE_BODY; /* a zero-initialised response */
    if (r->body_truncated)
        return CF_E_TOO_LARGE;
    /* Keep what fits so a report can still show the start of an oversized body. */
    size_t room = r->body.max - r->body.len;
    size_t take = len < room ? len : room;
    if (take) {
        cf_rc rc = cf_buf_add(&r->body, data, take);
        if (rc != CF_OK)
            return rc;
    }
    if (take < len) {
        r->body_truncated = 1;
        return CF_E_TOO_LARGE;
    }
    return CF_OK;
}

cf_rc cf_response_parse_raw(cf_response *r, const char *bytes, size_t len)
{
    if (!bytes && len)
        return CF_E_INVALID;
    cf_rc result = CF_OK;
    size_t pos = 0;
    int ended = 0;
    while (pos < len) {
        const char *nl = memchr(bytes + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - bytes) + 1 : len;
        size_t line_len = end - pos;
        int blank = (line_len == 1 && bytes[pos] == '\n') ||
                    (line_len == 2 && bytes[pos] == '\r' && bytes[pos + 1] == '\n');
        cf_rc rc = cf_response_header_line(r, bytes + pos, line_len);
        pos = end;
        if (rc == CF_E_TOO_LARGE || rc == CF_E_NOMEM)
            return rc;
        if (rc != CF_OK && result == CF_OK)
            result = rc;
        if (!nl)
            break; /* the head never ended */
        if (blank) {
            /* An interim (1xx) response is followed by another head, as curl sees it. */
            if (r->status >= 100 && r->status < 200 && pos < len)
                continue;
            ended = 1;
            break;
        }
    }
    if (!ended || r->status == 0)
        return result != CF_OK ? result : CF_E_INVALID;
    cf_rc rc = cf_response_body_bytes(r, bytes + pos, len - pos);
    return rc != CF_OK ? rc : result;
}

/* AWS SDKs' rule for a code: drop everything from the first ':' (a URL may follow) and
 * everything up to the last '#' (a namespace may precede). */
static char *sanitize_code(const char *v)
{
    size_t end = strcspn(v, ":");
    size_t start = 0;
    for (size_t i = 0; i < end; i++)
        if (v[i] == '#')
            start = i + 1;
    size_t n = end - start;
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    memcpy(out, v + start, n);
    out[n] = '\0';
    return out;
}

/* The string at the first locator of the list that is present; NULL when none is. *header
 * says whether it came from a header. */
static const char *locate(const cf_response *r, const cf_api_locators *l, int *header)
{
    for (size_t i = 0; i < l->count && i < CF_API_MAX_LOCATORS; i++) {
        const cf_api_locator *loc = &l->at[i];
        const char *v = NULL;
        if (loc->pointer) {
            const cJSON *j = r->json ? cf_json_pointer(r->json, loc->pointer) : NULL;
            v = cJSON_IsString(j) ? j->valuestring : NULL;
        } else if (loc->header) {
            v = cf_headers_get(&r->headers, loc->header);
        }
        if (v) {
            *header = loc->header != NULL && loc->pointer == NULL;
            return v;
        }
    }
    return NULL;
}

static cf_envelope classify(const cf_response *r, const cf_api_envelope *env)
{
    if (env->classify == CF_API_CLASSIFY_FLAG) {
        if (!r->json || !env->flag)
            return CF_ENVELOPE_NEITHER;
        const cJSON *flag = cf_json_pointer(r->json, env->flag);
        if (cJSON_IsTrue(flag))
            return CF_ENVELOPE_SUCCESS;
        if (cJSON_IsFalse(flag))
            return CF_ENVELOPE_ERROR;
        return CF_ENVELOPE_NEITHER;
    }
    if (r->status == 0)
        return CF_ENVELOPE_NEITHER;
    if (r->status >= 200 && r->status < 300)
        return r->json ? CF_ENVELOPE_SUCCESS : CF_ENVELOPE_NEITHER;
    /* Not 2xx: an error even without a JSON body, as the code may sit in a header. */
    return CF_ENVELOPE_ERROR;
}

void cf_response_finish(cf_response *r, const cf_api *api)
{
    cJSON_Delete(r->json);
    r->json = NULL;
    free(r->error_code_owned);
    r->error_code_owned = NULL;
    r->error_code = NULL;
    r->error_message = NULL;
    r->json_err_offset = 0;
    r->envelope = CF_ENVELOPE_NEITHER;

    if (r->body_truncated) {
        r->json_rc = CF_E_TOO_LARGE;
    } else {
        size_t off = 0;
        r->json_rc = cf_json_parse(r->body.ptr ? r->body.ptr : "", r->body.len, CF_MAX_JSON_DEPTH,
                                   &r->json, &off);
        if (r->json_rc != CF_OK)
            r->json_err_offset = off;
    }
    if (!api)
        return;
    const cf_api_envelope *env = &api->envelope;
    r->envelope = classify(r, env);
    if (r->envelope == CF_ENVELOPE_SUCCESS)
        return;
    /* Error, or neither shape: a code found here still helps the report say what came. */
    int header = 0;
    const char *code = locate(r, &env->code, &header);
    /* A header code is cut as AWS clients cut x-amzn-ErrorType; a body code only when the
     * contract says its codes are AWS ones ("ns#Name"). */
    if (code && (header || env->trim_aws_code)) {
        r->error_code_owned = sanitize_code(code);
        r->error_code = r->error_code_owned;
    } else {
        r->error_code = code;
    }
    r->error_message = locate(r, &env->message, &header);
}

/* Whether the contract's answer for this status carries a JSON body. */
static int documents_json(const cf_api_operation *op, long status)
{
    const cf_api_response *resp = cf_api_response_for(op, (int)status);
    for (size_t i = 0; resp && i < resp->content_count; i++) {
        const char *m = resp->content[i].media_type;
        if (m && (strstr(m, "json") || strcmp(m, "*/*") == 0))
            return 1;
    }
    return 0;
}

void cf_response_finish_op(cf_response *r, const cf_api *api, const cf_api_operation *op)
{
    cf_response_finish(r, api);
    /* A 2xx the contract gives no JSON body (201 with an empty body, 204) is a success, not
     * "neither": nothing a real API may lack causes a failure. */
    if (api && op && r->envelope == CF_ENVELOPE_NEITHER &&
        api->envelope.classify == CF_API_CLASSIFY_STATUS && r->status >= 200 && r->status < 300 &&
        !documents_json(op, r->status))
        r->envelope = CF_ENVELOPE_SUCCESS;
}
