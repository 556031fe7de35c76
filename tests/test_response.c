/* test_response.c - status and header lines, body bound, raw parsing, JSON and envelopes. */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "http/response.h"

static cf_rc feed(cf_response *r, const char *line)
{
    return cf_response_header_line(r, line, strlen(line));
}

/* Parses `text` from an exact-size heap copy, so ASan catches any read past its end. */
static cf_rc parse_exact(cf_response *r, const char *text, size_t len)
{
    char *copy = malloc(len ? len : 1);
    cr_assert_not_null(copy);
    memcpy(copy, text, len);
    cf_rc rc = cf_response_parse_raw(r, copy, len);
    free(copy);
    return rc;
}

typedef struct {
    const char *line;
    cf_rc rc;
    long status;
} status_case;

Test(response, status_lines_of_every_kind, .timeout = 10)
{
    static const status_case cases[] = {
        {"HTTP/1.1 200 OK\r\n", CF_OK, 200},
        {"HTTP/1.0 404 Not Found\r\n", CF_OK, 404},
        {"HTTP/2 200 \r\n", CF_OK, 200},
        {"HTTP/2 204\r\n", CF_OK, 204},
        {"HTTP/2.0 201 Created\n", CF_OK, 201},
        {"HTTP/3 503\r\n", CF_OK, 503},
        {"HTTP/1.1 100 Continue\r\n", CF_OK, 100},
        {"HTTP/1.1 599 Whatever it likes: ok\r\n", CF_OK, 599},
        {"HTTP/1.1 302 Found", CF_OK, 302},
        {"HTTP/1.1  200 OK\r\n", CF_OK, 200},
        {"HTTP/1.1 20 OK\r\n", CF_E_INVALID, 0},
        {"HTTP/1.1 2000 OK\r\n", CF_E_INVALID, 0},
        {"HTTP/1.1 abc OK\r\n", CF_E_INVALID, 0},
        {"HTTP/1.1 099 Low\r\n", CF_E_INVALID, 0},
        {"HTTP/1.1200 OK\r\n", CF_E_INVALID, 0},
        {"HTTP/ 200 OK\r\n", CF_E_INVALID, 0},
        {"HTTP/x.1 200 OK\r\n", CF_E_INVALID, 0},
        {"HTTP/1. 200 OK\r\n", CF_E_INVALID, 0},
        {"HTTP/1.1\r\n", CF_E_INVALID, 0},
        {"HTTP/\r\n", CF_E_INVALID, 0},
        {"HTTP/1.1 200OK\r\n", CF_E_INVALID, 0},
        {"http/1.1 200 OK\r\n", CF_E_INVALID, 0},
        {"ICY 200 OK\r\n", CF_E_INVALID, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cf_response r;
        cf_response_init(&r, 0);
        cr_assert_eq(feed(&r, cases[i].line), cases[i].rc, "case %zu: %s", i, cases[i].line);
        cr_assert_eq(r.status, cases[i].status, "case %zu: %s", i, cases[i].line);
        cf_response_cleanup(&r);
    }
}

Test(response, header_lines_are_split_and_trimmed, .timeout = 10)
{
    cf_response r;
    cf_response_init(&r, 0);
    cr_assert_eq(feed(&r, "HTTP/1.1 200 OK\r\n"), CF_OK);
    cr_assert_eq(feed(&r, "Content-Type:  application/json \r\n"), CF_OK);
    cr_assert_eq(feed(&r, "x-amzn-RequestId:abc\r\n"), CF_OK);
    cr_assert_eq(feed(&r, "Empty:\r\n"), CF_OK);
    cr_assert_eq(feed(&r, "Location: http://x/y?a=b:c\n"), CF_OK);
    cr_assert_eq(feed(&r, "\r\n"), CF_OK);
    cr_assert_eq(r.headers.count, 4);
    cr_assert_str_eq(cf_headers_get(&r.headers, "content-type"), "application/json");
    cr_assert_str_eq(cf_headers_get(&r.headers, "X-Amzn-RequestID"), "abc");
    cr_assert_str_eq(cf_headers_get(&r.headers, "empty"), "");
    cr_assert_str_eq(cf_headers_get(&r.headers, "location"), "http://x/y?a=b:c");
    cr_assert_eq(r.header_bytes, strlen("HTTP/1.1 200 OK\r\nContent-Type:  application/json \r\n"
                                        "x-amzn-RequestId:abc\r\nEmpty:\r\n"
                                        "Location: http://x/y?a=b:c\n\r\n"));
    cf_response_cleanup(&r);
}

Test(response, a_new_status_line_resets_the_headers, .timeout = 10)
{
    cf_response r;
    cf_response_init(&r, 0);
    cr_assert_eq(feed(&r, "HTTP/1.1 100 Continue\r\n"), CF_OK);
    cr_assert_eq(feed(&r, "X-Interim: 1\r\n"), CF_OK);
    cr_assert_eq(feed(&r, "\r\n"), CF_OK);
    cr_assert_eq(r.status, 100);
    cr_assert_eq(feed(&r, "HTTP/1.1 201 Created\r\n"), CF_OK);
    cr_assert_eq(feed(&r, "X-Final: 2\r\n"), CF_OK);
    cr_assert_eq(r.status, 201);
    cr_assert_null(cf_headers_get(&r.headers, "X-Interim"));
    cr_assert_str_eq(cf_headers_get(&r.headers, "X-Final"), "2");
    cf_response_cleanup(&r);
}

Test(response, malformed_header_lines_are_refused_and_ignored, .timeout = 10)
{
    static const char *const bad[] = {
        "no colon here\r\n", "Space Name: v\r\n", "Name : v\r\n", ": empty name\r\n",
        "Bad\"Name: v\r\n",  "X: a\rb\r\n",       "(x): y\r\n",
    };
    cf_response r;
    cf_response_init(&r, 0);
    cr_assert_eq(feed(&r, "X-Before: 1\r\n"), CF_E_INVALID, "a header before any status line");
    cr_assert_eq(feed(&r, "HTTP/1.1 200 OK\r\n"), CF_OK);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_assert_eq(feed(&r, bad[i]), CF_E_INVALID, "line %zu: %s", i, bad[i]);
    cr_assert_eq(cf_response_header_line(&r, "X: a\0b\r\n", 8), CF_E_INVALID);
    cr_assert_eq(r.headers.count, 0);
    cr_assert_eq(r.status, 200);
    cr_assert_eq(feed(&r, "Good: yes\r\n"), CF_OK);
    cr_assert_eq(r.headers.count, 1);
    cf_response_cleanup(&r);
}

/* RFC 9112 section 5.2: obs-fold is replaced by SP; we still report it as a protocol error. */
Test(response, folded_lines_join_the_previous_value, .timeout = 10)
{
    cf_response r;
    cf_response_init(&r, 0);
    cr_assert_eq(feed(&r, "HTTP/1.1 200 OK\r\n"), CF_OK);
    cr_assert_eq(feed(&r, " orphan continuation\r\n"), CF_E_INVALID);
    cr_assert_eq(feed(&r, "X-Long: first\r\n"), CF_OK);
    cr_assert_eq(feed(&r, "   second\r\n"), CF_E_INVALID);
    cr_assert_eq(feed(&r, "\tthird \r\n"), CF_E_INVALID);
    cr_assert_eq(feed(&r, " \t \r\n"), CF_E_INVALID);
    cr_assert_eq(r.headers.count, 1);
    cr_assert_str_eq(cf_headers_get(&r.headers, "x-long"), "first second third");
    cf_response_cleanup(&r);
}

Test(response, too_many_headers_overflow, .timeout = 10)
{
    cf_response r;
    cf_response_init(&r, 0);
    char line[64];
    cr_assert_eq(feed(&r, "HTTP/1.1 200 OK\r\n"), CF_OK);
    for (unsigned i = 0; i < CF_MAX_HEADER_COUNT; i++) {
        snprintf(line, sizeof(line), "X-%u: v\r\n", i);
        cr_assert_eq(feed(&r, line), CF_OK);
    }
    cr_assert_eq(feed(&r, "X-Extra: v\r\n"), CF_E_TOO_LARGE);
    cr_assert(r.headers_overflow);
    cr_assert_eq(feed(&r, "\r\n"), CF_E_TOO_LARGE, "overflow is sticky");
    cf_response_cleanup(&r);
}

Test(response, too_many_header_bytes_overflow, .timeout = 10)
{
    cf_response r;
    cf_response_init(&r, 0);
    size_t len = CF_MAX_RESPONSE_HEADERS;
    char *big = malloc(len);
    cr_assert_not_null(big);
    memset(big, 'a', len);
    memcpy(big, "X-Big: ", 7);
    cr_assert_eq(feed(&r, "HTTP/1.1 200 OK\r\n"), CF_OK);
    cr_assert_eq(cf_response_header_line(&r, big, len), CF_E_TOO_LARGE);
    cr_assert(r.headers_overflow);
    cr_assert_leq(r.header_bytes, CF_MAX_RESPONSE_HEADERS);
    free(big);
    cf_response_cleanup(&r);
}

Test(response, body_is_kept_up_to_its_bound, .timeout = 10)
{
    cf_response r;
    cf_response_init(&r, 10);
    cr_assert_eq(cf_response_body_bytes(&r, "abcdef", 6), CF_OK);
    cr_assert_eq(cf_response_body_bytes(&r, "", 0), CF_OK);
    cr_assert_eq(cf_response_body_bytes(&r, "ghijkl", 6), CF_E_TOO_LARGE);
    cr_assert(r.body_truncated);
    cr_assert_eq(r.body.len, 10);
    cr_assert_str_eq(cf_buf_str(&r.body), "abcdefghij");
    cr_assert_eq(cf_response_body_bytes(&r, "m", 1), CF_E_TOO_LARGE);
    cr_assert_eq(r.body.len, 10);
    cf_response_finish(&r, NULL);
    cr_assert_eq(r.json_rc, CF_E_TOO_LARGE);
    cr_assert_null(r.json);
    cf_response_cleanup(&r);
}

Test(response, zero_initialised_response_is_usable, .timeout = 10)
{
    cf_response r = {0};
    cr_assert_eq(feed(&r, "HTTP/1.1 200 OK\r\n"), CF_OK);
    cr_assert_eq(cf_response_body_bytes(&r, "{}", 2), CF_OK);
    cf_response_finish(&r, NULL);
    cr_assert_not_null(r.json);
    cf_response_cleanup(&r);
    cf_response_cleanup(NULL);
}

Test(response, reset_keeps_the_body_bound, .timeout = 10)
{
    static const char msg[] = "HTTP/1.1 200 OK\r\nA: b\r\n\r\nabcdef";
    cf_response r;
    cf_response_init(&r, 4);
    cr_assert_eq(parse_exact(&r, msg, sizeof(msg) - 1), CF_E_TOO_LARGE);
    cf_response_reset(&r);
    cr_assert_eq(r.status, 0);
    cr_assert_eq(r.headers.count, 0);
    cr_assert_not(r.body_truncated);
    cr_assert_eq(r.body.max, 4);
    cf_response_cleanup(&r);
}

Test(response, parse_raw_splits_at_crlf_crlf, .timeout = 10)
{
    static const char msg[] = "HTTP/1.1 400 Bad Request\r\n"
                              "Content-Type: application/json\r\n"
                              "x-amzn-ErrorType: ValidationException\r\n"
                              "\r\n"
                              "{\"message\":\"a\\r\\n\"}\r\n\r\nrest";
    cf_response r;
    cf_response_init(&r, 0);
    cr_assert_eq(parse_exact(&r, msg, sizeof(msg) - 1), CF_OK);
    cr_assert_eq(r.status, 400);
    cr_assert_eq(r.headers.count, 2);
    cr_assert_str_eq(cf_buf_str(&r.body), "{\"message\":\"a\\r\\n\"}\r\n\r\nrest");
    cf_response_cleanup(&r);
}

Test(response, parse_raw_accepts_bare_lf, .timeout = 10)
{
    static const char msg[] = "HTTP/1.1 200 OK\nA: 1\nB: 2\n\n{}";
    cf_response r;
    cf_response_init(&r, 0);
    cr_assert_eq(parse_exact(&r, msg, sizeof(msg) - 1), CF_OK);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(cf_headers_get(&r.headers, "b"), "2");
    cr_assert_str_eq(cf_buf_str(&r.body), "{}");
    cf_response_cleanup(&r);
}

Test(response, parse_raw_skips_interim_responses, .timeout = 10)
{
    static const char msg[] = "HTTP/1.1 100 Continue\r\n\r\n"
                              "HTTP/1.1 200 OK\r\nX: final\r\n\r\n{\"ok\":true}";
    cf_response r;
    cf_response_init(&r, 0);
    cr_assert_eq(parse_exact(&r, msg, sizeof(msg) - 1), CF_OK);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(cf_headers_get(&r.headers, "x"), "final");
    cr_assert_str_eq(cf_buf_str(&r.body), "{\"ok\":true}");
    cf_response_cleanup(&r);
}

typedef struct {
    const char *raw;
    cf_rc rc;
} raw_case;

Test(response, parse_raw_reports_broken_messages, .timeout = 10)
{
    static const raw_case cases[] = {
        {"", CF_E_INVALID},
        {"HTTP/1.1 200 OK", CF_E_INVALID},
        {"HTTP/1.1 200 OK\r\nA: b\r\n", CF_E_INVALID},
        {"HTTP/1.1 200 OK\r\nA: b", CF_E_INVALID},
        {"\r\n\r\n", CF_E_INVALID},
        {"garbage\r\n\r\nbody", CF_E_INVALID},
        {"HTTP/1.1 200 OK\r\nbroken line\r\n\r\n{}", CF_E_INVALID},
        {"HTTP/1.1 100 Continue\r\n\r\n", CF_OK},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cf_response r;
        cf_response_init(&r, 0);
        cr_assert_eq(parse_exact(&r, cases[i].raw, strlen(cases[i].raw)), cases[i].rc, "case %zu",
                     i);
        cf_response_cleanup(&r);
    }
    cf_response r;
    cf_response_init(&r, 0);
    cr_assert_eq(cf_response_parse_raw(&r, NULL, 0), CF_E_INVALID);
    cr_assert_eq(cf_response_parse_raw(&r, NULL, 5), CF_E_INVALID);
    cf_response_cleanup(&r);
}

/* Every prefix of a message and a stream of random bytes: no crash, no read past the end
 * (parse_exact copies into exactly-sized heap blocks for ASan). */
Test(response, parse_raw_survives_any_bytes, .timeout = 10)
{
    static const char msg[] =
        "HTTP/1.1 200 OK\r\n X\r\nA:\tb \r\n\tc\r\nHTTP/1.1 5\r\n\r\n{\"a\":[1";
    for (size_t len = 0; len <= sizeof(msg) - 1; len++) {
        cf_response r;
        cf_response_init(&r, 8);
        (void)parse_exact(&r, msg, len);
        cf_response_finish(&r, NULL);
        cf_response_cleanup(&r);
    }
    static const char alphabet[] = "HTTP/1.0 2\r\n:\t #{}[]\"\\a\0\xff";
    uint32_t seed = 12345;
    char buf[96];
    for (int round = 0; round < 3000; round++) {
        size_t len = (size_t)(round % (int)sizeof(buf));
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = (seed >> 24) & 1 ? (char)(seed >> 16) : alphabet[(seed >> 16) % 26];
        }
        if (round % 3 == 0 && len >= 9)
            memcpy(buf, "HTTP/1.1 ", 9);
        cf_response r;
        cf_response_init(&r, 16);
        (void)parse_exact(&r, buf, len);
        cf_response_finish(&r, NULL);
        cf_response_cleanup(&r);
    }
}

/* ---- JSON ---- */

static void parse_body(cf_response *r, const char *body, size_t len)
{
    cf_response_init(r, 0);
    cr_assert_eq(feed(r, "HTTP/1.1 200 OK\r\n"), CF_OK);
    cr_assert_eq(cf_response_body_bytes(r, body, len), CF_OK);
    cf_response_finish(r, NULL);
}

Test(response, json_body_is_parsed, .timeout = 10)
{
    cf_response r;
    parse_body(&r, "{\"a\": [1, 2]}\n", 14);
    cr_assert_eq(r.json_rc, CF_OK);
    cr_assert(cJSON_IsObject(r.json));
    cf_response_finish(&r, NULL); /* twice: the first result is released, not leaked */
    cr_assert(cJSON_IsObject(r.json));
    cf_response_cleanup(&r);
}

typedef struct {
    const char *body;
    cf_rc rc;
} json_case;

Test(response, broken_json_leaves_json_null_with_a_reason, .timeout = 10)
{
    static const json_case cases[] = {
        {"", CF_E_INVALID},
        {"{\"a\":", CF_E_INVALID},
        {"{\"a\":1", CF_E_INVALID},
        {"{\"a\":1}}", CF_E_INVALID},
        {"{\"a\":1} trailing", CF_E_INVALID},
        {"<html>502 Bad Gateway</html>", CF_E_INVALID},
        {"\"unterminated", CF_E_INVALID},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cf_response r;
        parse_body(&r, cases[i].body, strlen(cases[i].body));
        cr_assert_eq(r.json_rc, cases[i].rc, "case %zu: %s", i, cases[i].body);
        cr_assert_null(r.json);
        cr_assert_leq(r.json_err_offset, strlen(cases[i].body));
        cf_response_cleanup(&r);
    }
}

/* cJSON does not validate UTF-8: invalid sequences inside strings are accepted as bytes.
 * Checks that care (schema maxLength in code points) must handle that themselves. */
Test(response, invalid_utf8_in_strings_is_accepted_by_cjson, .timeout = 10)
{
    static const char body[] = "{\"m\":\"\xff\xfe\xc3\x28\"}";
    cf_response r;
    parse_body(&r, body, sizeof(body) - 1);
    cr_assert_eq(r.json_rc, CF_OK);
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(r.json, "m");
    cr_assert(cJSON_IsString(m));
    cr_assert_eq(strlen(m->valuestring), 4);
    cf_response_cleanup(&r);
}

static char *nested(int depth)
{
    char *s = malloc((size_t)depth * 2 + 1);
    cr_assert_not_null(s);
    for (int i = 0; i < depth; i++) {
        s[i] = '[';
        s[depth * 2 - 1 - i] = ']';
    }
    s[depth * 2] = '\0';
    return s;
}

Test(response, nesting_is_bounded, .timeout = 10)
{
    char *ok = nested(CF_MAX_JSON_DEPTH);
    char *deep = nested(CF_MAX_JSON_DEPTH + 1);
    char *very = nested(100000);
    cf_response r;
    parse_body(&r, ok, strlen(ok));
    cr_assert_eq(r.json_rc, CF_OK);
    cf_response_cleanup(&r);
    parse_body(&r, deep, strlen(deep));
    cr_assert_eq(r.json_rc, CF_E_TOO_DEEP);
    cr_assert_null(r.json);
    cf_response_cleanup(&r);
    parse_body(&r, very, strlen(very));
    cr_assert_eq(r.json_rc, CF_E_TOO_DEEP);
    cf_response_cleanup(&r);
    free(ok);
    free(deep);
    free(very);
}

/* ---- envelopes ---- */

static cf_response respond(const cf_api *spec, const char *raw)
{
    cf_response r;
    cf_response_init(&r, 0);
    (void)parse_exact(&r, raw, strlen(raw));
    cf_response_finish(&r, spec);
    return r;
}

/* An envelope with one locator for the code and one for the message. */
static cf_api envelope_api(cf_api_classify classify, const char *flag, cf_api_locator code,
                           cf_api_locator message)
{
    cf_api s;
    memset(&s, 0, sizeof(s));
    s.envelope.classify = classify;
    s.envelope.flag = flag;
    s.envelope.code.at[0] = code;
    s.envelope.code.count = 1;
    s.envelope.message.at[0] = message;
    s.envelope.message.count = 1;
    return s;
}

static cf_api flag_spec(void)
{
    return envelope_api(CF_API_CLASSIFY_FLAG, "/success", (cf_api_locator){"/error/code", NULL},
                        (cf_api_locator){"/error/message", NULL});
}

static cf_api status_spec(void)
{
    return envelope_api(CF_API_CLASSIFY_STATUS, NULL, (cf_api_locator){NULL, "x-amzn-ErrorType"},
                        (cf_api_locator){"/Message", NULL});
}

typedef struct {
    const char *raw;
    cf_envelope envelope;
    const char *code;
    const char *message;
} envelope_case;

static void check_envelopes(const cf_api *spec, const envelope_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        cf_response r = respond(spec, cases[i].raw);
        cr_assert_eq(r.envelope, cases[i].envelope, "case %zu: %s", i, cases[i].raw);
        if (cases[i].code)
            cr_assert_str_eq(r.error_code ? r.error_code : "(null)", cases[i].code, "case %zu", i);
        else
            cr_assert_null(r.error_code, "case %zu", i);
        if (cases[i].message)
            cr_assert_str_eq(r.error_message ? r.error_message : "(null)", cases[i].message,
                             "case %zu", i);
        else
            cr_assert_null(r.error_message, "case %zu", i);
        cf_response_cleanup(&r);
    }
}

Test(response, flag_envelope_follows_the_boolean, .timeout = 10)
{
    static const envelope_case cases[] = {
        {"HTTP/1.1 200 OK\r\n\r\n{\"success\":true,\"data\":{}}", CF_ENVELOPE_SUCCESS, NULL, NULL},
        {"HTTP/1.1 400 Bad\r\n\r\n{\"success\":false,\"error\":{\"code\":\"VALIDATION_ERROR\","
         "\"message\":\"too long\"}}",
         CF_ENVELOPE_ERROR, "VALIDATION_ERROR", "too long"},
        /* the flag decides, whatever the status says */
        {"HTTP/1.1 500 Oops\r\n\r\n{\"success\":true}", CF_ENVELOPE_SUCCESS, NULL, NULL},
        {"HTTP/1.1 200 OK\r\n\r\n{\"success\":false}", CF_ENVELOPE_ERROR, NULL, NULL},
        {"HTTP/1.1 200 OK\r\n\r\n{\"success\":false,\"error\":{\"code\":7}}", CF_ENVELOPE_ERROR,
         NULL, NULL},
        /* no usable flag: neither, though a code present is still reported */
        {"HTTP/1.1 200 OK\r\n\r\n{\"data\":{}}", CF_ENVELOPE_NEITHER, NULL, NULL},
        {"HTTP/1.1 200 OK\r\n\r\n{\"success\":\"true\"}", CF_ENVELOPE_NEITHER, NULL, NULL},
        {"HTTP/1.1 200 OK\r\n\r\n{\"success\":1}", CF_ENVELOPE_NEITHER, NULL, NULL},
        {"HTTP/1.1 200 OK\r\n\r\n{\"success\":null}", CF_ENVELOPE_NEITHER, NULL, NULL},
        {"HTTP/1.1 200 OK\r\n\r\n[true]", CF_ENVELOPE_NEITHER, NULL, NULL},
        {"HTTP/1.1 200 OK\r\n\r\ntrue", CF_ENVELOPE_NEITHER, NULL, NULL},
        {"HTTP/1.1 502 Bad Gateway\r\n\r\n<html></html>", CF_ENVELOPE_NEITHER, NULL, NULL},
        {"HTTP/1.1 403 Forbidden\r\n\r\n{\"error\":{\"code\":\"ACCESS_DENIED\"}}",
         CF_ENVELOPE_NEITHER, "ACCESS_DENIED", NULL},
    };
    cf_api spec = flag_spec();
    check_envelopes(&spec, cases, sizeof(cases) / sizeof(cases[0]));
}

Test(response, status_envelope_follows_the_status_code, .timeout = 10)
{
    static const envelope_case cases[] = {
        {"HTTP/1.1 200 OK\r\n\r\n{\"AttachmentId\":\"x\"}", CF_ENVELOPE_SUCCESS, NULL, NULL},
        {"HTTP/1.1 204 No Content\r\n\r\n", CF_ENVELOPE_NEITHER, NULL, NULL},
        {"HTTP/1.1 200 OK\r\n\r\nnot json", CF_ENVELOPE_NEITHER, NULL, NULL},
        {"HTTP/1.1 400 Bad Request\r\nx-amzn-ErrorType: ValidationException\r\n\r\n"
         "{\"Message\":\"bad\"}",
         CF_ENVELOPE_ERROR, "ValidationException", "bad"},
        /* an error without a JSON body: the code still comes from the header */
        {"HTTP/1.1 403 Forbidden\r\nX-Amzn-ErrorType: AccessDeniedException:http://x/\r\n\r\n"
         "<html>denied</html>",
         CF_ENVELOPE_ERROR, "AccessDeniedException", NULL},
        {"HTTP/1.1 500 Internal\r\n\r\n", CF_ENVELOPE_ERROR, NULL, NULL},
        {"HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\n", CF_ENVELOPE_ERROR, NULL, NULL},
        {"HTTP/1.1 429 Too Many\r\n\r\n{\"Message\":42}", CF_ENVELOPE_ERROR, NULL, NULL},
        {"garbage", CF_ENVELOPE_NEITHER, NULL, NULL},
    };
    cf_api spec = status_spec();
    check_envelopes(&spec, cases, sizeof(cases) / sizeof(cases[0]));
}

Test(response, status_envelope_with_codes_in_the_body, .timeout = 10)
{
    static const envelope_case in_body[] = {
        {"HTTP/1.1 409 Conflict\r\n\r\n{\"code\":\"IDEMPOTENCY_CONFLICT\",\"msg\":\"m\"}",
         CF_ENVELOPE_ERROR, "IDEMPOTENCY_CONFLICT", "m"},
        /* codes from the body are kept as they are: only header codes are sanitized */
        {"HTTP/1.1 400 Bad\r\n\r\n{\"code\":\"ns#Foo:bar\"}", CF_ENVELOPE_ERROR, "ns#Foo:bar",
         NULL},
    };
    static const envelope_case in_header[] = {
        {"HTTP/1.1 400 Bad\r\nX-Msg: from header\r\n\r\nnot json", CF_ENVELOPE_ERROR, NULL,
         "from header"},
        {"HTTP/1.1 400 Bad\r\nX-Msg: h\r\n\r\n{\"code\":\"C\",\"msg\":\"m\"}", CF_ENVELOPE_ERROR,
         "C", "h"},
    };
    cf_api spec = envelope_api(CF_API_CLASSIFY_STATUS, NULL, (cf_api_locator){"/code", NULL},
                               (cf_api_locator){"/msg", NULL});
    check_envelopes(&spec, in_body, sizeof(in_body) / sizeof(in_body[0]));
    spec.envelope.message.at[0] = (cf_api_locator){NULL, "x-msg"};
    check_envelopes(&spec, in_header, sizeof(in_header) / sizeof(in_header[0]));
}

typedef struct {
    const char *header;
    const char *code;
} sanitize_case;

Test(response, header_codes_are_sanitized_like_aws_sdks, .timeout = 10)
{
    static const sanitize_case cases[] = {
        {"FooError", "FooError"},
        {"FooError:http://internal.amazon.com/", "FooError"},
        {"aws#FooError", "FooError"},
        {"aws.protocoltests.restjson#FooError", "FooError"},
        {"aws.protocoltests.restjson#FooError:http://internal.amazon.com/docs", "FooError"},
        {"a#b#FooError", "FooError"},
        {"FooError:http://x/#frag", "FooError"},
        {"ns#", ""},
        {":only-suffix", ""},
    };
    cf_api spec = status_spec();
    char raw[256];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(raw, sizeof(raw), "HTTP/1.1 400 Bad\r\nx-amzn-errortype: %s\r\n\r\n{}",
                 cases[i].header);
        cf_response r = respond(&spec, raw);
        cr_assert_eq(r.envelope, CF_ENVELOPE_ERROR);
        cr_assert_not_null(r.error_code, "case %zu", i);
        cr_assert_str_eq(r.error_code, cases[i].code, "case %zu: %s", i, cases[i].header);
        cr_assert_eq(r.error_code, r.error_code_owned);
        cf_response_cleanup(&r);
    }
}

Test(response, finish_without_a_spec_only_parses, .timeout = 10)
{
    cf_response r = respond(NULL, "HTTP/1.1 500 x\r\n\r\n{\"a\":1}");
    cr_assert_not_null(r.json);
    cr_assert_eq(r.envelope, CF_ENVELOPE_NEITHER);
    cr_assert_null(r.error_code);
    cf_response_cleanup(&r);
}

Test(response, locator_lists_take_the_first_present_and_trim_aws_body_codes, .timeout = 10)
{
    /* AWS restJson1: the header first, then the body's __type, then code; AWS trimming. */
    static const envelope_case cases[] = {
        {"HTTP/1.1 400 Bad\r\nx-amzn-ErrorType: ValidationException:http://x\r\n\r\n"
         "{\"__type\":\"ns#Other\",\"message\":\"m\"}",
         CF_ENVELOPE_ERROR, "ValidationException", "m"},
        {"HTTP/1.1 400 Bad\r\n\r\n{\"__type\":\"com.amazon#ThrottlingException\","
         "\"Message\":\"M\"}",
         CF_ENVELOPE_ERROR, "ThrottlingException", "M"},
        {"HTTP/1.1 404 Not Found\r\n\r\n{\"code\":\"NotFound\"}", CF_ENVELOPE_ERROR, "NotFound",
         NULL},
        /* a 404 with a body of {}: an error without code or message, never a crash */
        {"HTTP/1.1 404 Not Found\r\n\r\n{}", CF_ENVELOPE_ERROR, NULL, NULL},
    };
    cf_api api;
    memset(&api, 0, sizeof(api));
    api.envelope.classify = CF_API_CLASSIFY_STATUS;
    api.envelope.code =
        (cf_api_locators){{{NULL, "x-amzn-ErrorType"}, {"/__type", NULL}, {"/code", NULL}}, 3};
    api.envelope.message = (cf_api_locators){{{"/message", NULL}, {"/Message", NULL}}, 2};
    api.envelope.trim_aws_code = 1;
    check_envelopes(&api, cases, sizeof(cases) / sizeof(cases[0]));
}

Test(response, a_2xx_without_json_is_a_success_when_the_contract_documents_no_body, .timeout = 10)
{
    cf_api_media json = {"application/json", {NULL, NULL}, NULL, NULL};
    cf_api_response responses[] = {
        {CF_API_STATUS_EXACT, 201, NULL, NULL, 0, NULL, 0, CF_API_ROLE_NONE, NULL},
        {CF_API_STATUS_EXACT, 200, NULL, &json, 1, NULL, 0, CF_API_ROLE_NONE, NULL},
    };
    cf_api_operation op;
    memset(&op, 0, sizeof(op));
    op.id = "CreatePost";
    op.responses = responses;
    op.response_count = 2;
    cf_api api = status_spec();
    cf_response r;
    cf_response_init(&r, 0);
    (void)parse_exact(&r, "HTTP/1.1 201 Created\r\n\r\n", 24);
    cf_response_finish_op(&r, &api, &op);
    cr_assert_eq(r.envelope, CF_ENVELOPE_SUCCESS);
    cf_response_cleanup(&r);
    /* 200 documents JSON: an empty 200 is still neither success nor error */
    cf_response_init(&r, 0);
    (void)parse_exact(&r, "HTTP/1.1 200 OK\r\n\r\n", 19);
    cf_response_finish_op(&r, &api, &op);
    cr_assert_eq(r.envelope, CF_ENVELOPE_NEITHER);
    cf_response_cleanup(&r);
}
