/* test_record.c - cf_record_*: an exchange written down for a report (request, response, curl
 * replay line), every secret masked, bodies and headers cut to size, control bytes escaped. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/secrets.h"
#include "check/record.h"
#include "suite/suite.h"

#define AWS_SPEC CONFORM_SOURCE_DIR "/specs/connect-participant/start-attachment-upload.aws.json"
#define SECRET "record-secret-token-1234567890"
#define SECRET_ALT "record-other-secret-0987654321"

static cf_suite *suite;
static const cf_api *spec; /* suite->api */
static cf_secrets red;     /* the secrets: both bearers (secret), a region (not secret) */

static void setup(void)
{
    cf_diags d;
    cf_diags_init(&d);
    cr_assert_eq(cf_suite_load_file(AWS_SPEC, &suite, &d), CF_OK);
    spec = suite->api;
    cf_diags_cleanup(&d);
    cr_assert_str_eq(spec->credentials[0].name, "X-Amz-Bearer");
    cr_assert_eq(cf_secrets_set(&red, "bearer", SECRET, 1), CF_OK);
    cr_assert_eq(cf_secrets_set(&red, "bearer_alt", SECRET_ALT, 1), CF_OK);
    cr_assert_eq(cf_secrets_set(&red, "region", "us-east-1", 0), CF_OK);
}

static void teardown(void)
{
    cf_secrets_cleanup(&red);
    cf_suite_free(suite);
}

static char *dup_or_die(const char *s)
{
    char *p = strdup(s);
    cr_assert_not_null(p);
    return p;
}

/* `n` bytes of `c`, NUL-terminated (caller frees). */
static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);
    cr_assert_not_null(s);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

/* A request as the serializer would make it; body NULL: none. */
static void request_of(cf_request *q, const char *bearer, const char *body)
{
    memset(q, 0, sizeof(*q));
    q->method = dup_or_die("POST");
    q->url = dup_or_die("http://127.0.0.1:9/participant/attachment?x=1");
    cr_assert_eq(cf_headers_add(&q->headers, "Content-Type", "application/json"), CF_OK);
    if (bearer)
        cr_assert_eq(cf_headers_add(&q->headers, "X-Amz-Bearer", bearer), CF_OK);
    if (body) {
        q->body = dup_or_die(body);
        q->body_len = strlen(body);
    }
}

/* A response parsed from raw HTTP and finished against the spec. */
static void response_of(cf_response *r, const char *raw)
{
    cf_response_init(r, 0);
    cr_assert_eq(cf_response_parse_raw(r, raw, strlen(raw)), CF_OK, "%s", raw);
    r->elapsed_ms = 12.0;
    cf_response_finish(r, spec);
}

static void assert_no_secret(const char *text)
{
    cr_assert_null(strstr(text, SECRET), "secret in: %s", text);
    cr_assert_null(strstr(text, SECRET_ALT), "other secret in: %s", text);
    cr_assert_not(cf_secrets_finds(&red, text, strlen(text)), "a secret's prefix in: %s", text);
}

TestSuite(record, .init = setup, .fini = teardown, .timeout = 10);

Test(record, request_is_method_url_headers_then_body_with_the_credential_masked, .timeout = 10)
{
    cf_request q;
    request_of(&q, SECRET, "{\"ClientToken\":\"t-1\",\"Note\":\"" SECRET_ALT "\"}");
    char *text = cf_record_request(spec, &q, &red);
    cr_assert_not_null(text);
    cr_assert_str_eq(text, "POST http://127.0.0.1:9/participant/attachment?x=1\n"
                           "Content-Type: application/json\n"
                           "X-Amz-Bearer: <redacted>\n"
                           "\n"
                           "{\"ClientToken\":\"t-1\",\"Note\":\"<redacted:bearer_alt>\"}");
    assert_no_secret(text);
    free(text);
    cf_request_cleanup(&q);
}

Test(record, credential_header_is_masked_whatever_its_value, .timeout = 10)
{
    cf_request q;
    request_of(&q, "not-a-known-secret-but-still-the-credential", NULL);
    char *text = cf_record_request(spec, &q, &red);
    cr_assert_not_null(text);
    cr_assert_null(strstr(text, "not-a-known-secret"), "%s", text);
    cr_assert_not_null(strstr(text, "X-Amz-Bearer: <redacted>\n"), "%s", text);
    cr_assert_eq(text[strlen(text) - 1], '\n', "no body: the last header line ends it: %s", text);
    free(text);
    cf_request_cleanup(&q);
}

Test(record, long_bodies_are_cut_and_say_how_much_was_left_out, .timeout = 10)
{
    char *body = repeat('b', CF_RECORD_BODY_MAX + 500);
    cf_request q;
    request_of(&q, SECRET, body);
    char *text = cf_record_request(spec, &q, &red);
    cr_assert_not_null(text);
    cr_assert_not_null(strstr(text, "... (500 more bytes)"), "%s", text + strlen(text) - 60);
    const char *start = strstr(text, "\n\n");
    cr_assert_not_null(start);
    cr_assert_eq(strspn(start + 2, "b"), CF_RECORD_BODY_MAX, "exactly the kept bytes");
    free(text);
    cf_request_cleanup(&q);
    free(body);
}

Test(record, a_secret_straddling_the_cut_is_still_masked, .timeout = 10)
{
    /* the secret starts 10 bytes before the cut: its kept prefix must not survive */
    size_t n = CF_RECORD_BODY_MAX - 10;
    size_t total = n + strlen(SECRET) + 100;
    char *body = repeat('a', total);
    memcpy(body + n, SECRET, strlen(SECRET));
    cf_request q;
    request_of(&q, NULL, body);
    char *text = cf_record_request(spec, &q, &red);
    cr_assert_not_null(text);
    cr_assert_null(strstr(text, "record-sec"), "the secret's start survived the cut");
    assert_no_secret(text);
    free(text);
    cf_request_cleanup(&q);
    free(body);
}

Test(record, control_bytes_are_escaped_newlines_and_tabs_kept, .timeout = 10)
{
    cf_request q;
    request_of(&q, NULL,
               "a\x01"
               "b\tc\nd\x7f"
               "e");
    char *text = cf_record_request(spec, &q, &red);
    cr_assert_not_null(text);
    cr_assert_not_null(strstr(text, "\n\na\\x01b\tc\nd\\x7fe"), "%s", text);
    free(text);
    cf_request_cleanup(&q);
}

Test(record, response_is_status_headers_and_body_with_secrets_masked, .timeout = 10)
{
    cf_response r;
    response_of(&r, "HTTP/1.1 403 Forbidden\r\n"
                    "Content-Type: application/json\r\n"
                    "x-amzn-ErrorType: AccessDeniedException\r\n"
                    "X-Echo: " SECRET "\r\n"
                    "\r\n"
                    "{\"Message\":\"bad token " SECRET "\"}");
    char *text = cf_record_response(&r, &red);
    cr_assert_not_null(text);
    cr_assert(strncmp(text, "HTTP 403 (12 ms)\n", 17) == 0, "%s", text);
    cr_assert_not_null(strstr(text, "x-amzn-ErrorType: AccessDeniedException\n"), "%s", text);
    cr_assert_not_null(strstr(text, "X-Echo: <redacted:bearer>\n"), "%s", text);
    cr_assert_not_null(strstr(text, "\n\n{\"Message\":\"bad token <redacted:bearer>\"}"), "%s",
                       text);
    assert_no_secret(text);
    free(text);
    cf_response_cleanup(&r);
}

Test(record, a_secret_hidden_by_json_escapes_is_masked, .timeout = 10)
{
    /* "\u0072" is 'r': the body holds the secret only once decoded */
    cf_response r;
    response_of(&r, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n"
                    "{\"Echo\":\"\\u0072ecord-secret-token-1234567890\"}");
    char *text = cf_record_response(&r, &red);
    cr_assert_not_null(text);
    cr_assert_null(strstr(text, "ecord-secret-token-1234567890"), "%s", text);
    cr_assert_not_null(strstr(text, "<redacted"), "%s", text);
    free(text);
    cf_response_cleanup(&r);
}

Test(record, no_response_says_why_redacted, .timeout = 10)
{
    cf_response r;
    cf_response_init(&r, 0);
    r.transport_rc = CF_E_IO;
    snprintf(r.transport_error, sizeof(r.transport_error), "could not resolve %s", SECRET);
    char *text = cf_record_response(&r, &red);
    cr_assert_not_null(text);
    cr_assert_str_eq(text, "(no response: could not resolve <redacted:bearer>)");
    free(text);
    cf_response_cleanup(&r);
}

Test(record, curl_line_replays_with_the_secret_from_the_environment, .timeout = 10)
{
    cf_request q;
    request_of(&q, SECRET, "{\"Name\":\"it's\"}");
    char *line = cf_record_curl(spec, &q, &red);
    cr_assert_not_null(line);
    cr_assert_str_eq(line, "curl -sS -i -X POST 'http://127.0.0.1:9/participant/attachment?x=1'"
                           " -H 'Content-Type: application/json'"
                           " -H \"X-Amz-Bearer: ${CONFORM_VAR_BEARER}\""
                           " --data-binary '{\"Name\":\"it'\\''s\"}'");
    assert_no_secret(line);
    free(line);
    cf_request_cleanup(&q);
}

Test(record, curl_line_masks_an_unknown_credential_and_elides_big_parts, .timeout = 10)
{
    size_t n = CF_RECORD_BODY_MAX + 1;
    char *body = repeat('z', n);
    cf_request q;
    request_of(&q, "literal-credential-not-a-variable", body);
    char *big = repeat('h', 4999);
    cr_assert_eq(cf_headers_add(&q.headers, "X-Big", big), CF_OK);
    char *line = cf_record_curl(spec, &q, &red);
    cr_assert_not_null(line);
    cr_assert_not_null(strstr(line, " -H 'X-Amz-Bearer: <redacted>'"), "%s", line);
    cr_assert_null(strstr(line, "literal-credential"), "%s", line);
    cr_assert_not_null(strstr(line, "'X-Big: <4999-byte value: rerun the case with conform>'"),
                       "%s", line);
    char want[128];
    snprintf(want, sizeof(want), " --data-binary '<%zu-byte body: rerun the case with conform>'",
             n);
    cr_assert_not_null(strstr(line, want), "%s", line);
    free(line);
    free(big);
    cf_request_cleanup(&q);
    free(body);
}

Test(record, no_body_and_no_method_are_written_plainly, .timeout = 10)
{
    cf_request q;
    request_of(&q, NULL, NULL);
    free(q.method);
    q.method = NULL;
    char *line = cf_record_curl(spec, &q, &red);
    cr_assert_not_null(line);
    cr_assert(strncmp(line, "curl -sS -i -X GET ", 19) == 0, "%s", line);
    cr_assert_null(strstr(line, "--data-binary"), "%s", line);
    free(line);
    char *text = cf_record_request(spec, &q, &red);
    cr_assert_not_null(text);
    cr_assert(strncmp(text, "? http://", 9) == 0, "%s", text);
    free(text);
    cf_request_cleanup(&q);
}
