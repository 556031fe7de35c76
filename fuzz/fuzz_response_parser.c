/* fuzz_response_parser.c - libFuzzer target: raw HTTP response bytes -> cf_response_parse_raw
 * and cf_response_finish (status line, headers, body, JSON, envelope classification), held to
 * what the parser promises whatever the bytes were. Kept to parsing so that it runs about as
 * fast as a bare cJSON parse of the same inputs (fuzz_cjson_baseline, bench/fuzz_speed.sh);
 * the checks and records of a response are fuzz_checks' and fuzz_record's subjects.
 *
 * Input: byte 0 picks the bundled spec (bit 0; the other bits pick a case step for
 * fuzz_checks, which reads the same inputs); the rest is the response as it came off the
 * wire. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "fuzz_util.h"
#include "http/headers.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    cf_fuzz_load("fuzz_response_parser", 0);
    return 0;
}

/* What the parser promises about a response whatever the bytes were. */
static void check_parsed(const cf_response *r, cf_rc rc)
{
    if (rc == CF_OK && (r->status < 100 || r->status > 999))
        abort();
    if (r->body.len > CF_MAX_RESPONSE_BODY || (r->body.len && !r->body.ptr))
        abort();
    if (r->header_bytes > CF_MAX_RESPONSE_HEADERS || r->headers.count > CF_MAX_HEADER_COUNT)
        abort();
    for (size_t i = 0; i < r->headers.count; i++) {
        const cf_header *h = &r->headers.items[i];
        if (!cf_http_is_token(h->name, strlen(h->name)) || strpbrk(h->value, "\r\n"))
            abort(); /* a header that would split a line when written out again */
    }
    if ((r->json != NULL) != (r->json_rc == CF_OK))
        abort();
    if (r->error_code_owned && r->error_code != r->error_code_owned)
        abort();
    if (r->error_code_owned && strchr(r->error_code_owned, ':'))
        abort(); /* the AWS rule drops everything from the first ':' */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    cf_response r;
    cf_rc rc = cf_fuzz_response_read(&r, cf_fuzz_pick(data[0])->api, data + 1, size - 1);
    check_parsed(&r, rc);
    cf_response_cleanup(&r);
    return 0;
}
