/* fuzz_record.c - libFuzzer target: the records a report prints (check/record.h), held to "no
 * secret escapes redaction":
 *   - request records and curl lines of a case built from the input (fuzz_case.h): a secret's
 *     value appears in no form (as is, JSON-escaped, shell-quoted, or with control bytes as
 *     \xNN as the record writes them);
 *   - response records of raw response bytes: every response within the bounds has a record,
 *     and no secret variable of the spec (nor a prefix that gives it away) is left in it.
 * Any violation calls abort().
 *
 * Input: byte 0 bit 0 picks the record: 1 the request's (the rest is a fuzz_request_serializer
 * input), 0 the response's (the rest is a fuzz_response_parser input).
 * CONFORM_FUZZ_SHOW=1 prints the request record and curl line of every input (to read a
 * finding); CONFORM_FUZZ_RAW_SECRETS=1 looks for secrets as is only, not for their escaped
 * forms (to keep fuzzing while a known escaped-form leak is being fixed). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_case.h"

#define TARGET "fuzz_record"
#define SECRET_FORMS 5

static int raw_secrets_only;
static int show;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    cf_fuzz_load(TARGET, CF_FUZZ_VARS);
    const char *raw = getenv("CONFORM_FUZZ_RAW_SECRETS");
    raw_secrets_only = raw && strcmp(raw, "1") == 0;
    show = getenv("CONFORM_FUZZ_SHOW") != NULL;
    return 0;
}

static void ignore(cf_rc rc)
{
    (void)rc;
}

static int contains(const char *hay, const char *needle)
{
    return hay && needle && *needle && strstr(hay, needle) != NULL;
}

/* The forms a secret takes in what reports print: as is, JSON-escaped (in a JSON body),
 * shell-quoted (curl line), control bytes as \xNN (request record). None may remain. */
static void check_secret(const char *secret, const char *record, const char *curl)
{
    cf_buf forms[SECRET_FORMS];
    for (size_t i = 0; i < SECRET_FORMS; i++)
        cf_buf_init(&forms[i], CF_FUZZ_TEXT_MAX * 8);
    ignore(cf_buf_adds(&forms[0], secret));
    cJSON *str = cJSON_CreateString(secret);
    char *json = str ? cJSON_PrintUnformatted(str) : NULL;
    if (json && strlen(json) >= 2)
        ignore(cf_buf_add(&forms[1], json + 1, strlen(json) - 2));
    cJSON_free(json);
    cJSON_Delete(str);
    for (size_t f = 0; f < 2; f++) {
        const cf_buf *from = &forms[f];
        for (size_t i = 0; i < from->len; i++)
            ignore(from->ptr[i] == '\'' ? cf_buf_adds(&forms[2 + f], "'\\''")
                                        : cf_buf_addc(&forms[2 + f], from->ptr[i]));
    }
    for (const char *c = secret; *c; c++) {
        unsigned char u = (unsigned char)*c;
        ignore((u < 0x20 && u != '\n' && u != '\t') || u == 0x7f
                   ? cf_buf_addf(&forms[4], "\\x%02x", u)
                   : cf_buf_addc(&forms[4], *c));
    }
    static const char *const form_names[SECRET_FORMS] = {"as is", "JSON-escaped", "shell-quoted",
                                                         "JSON-escaped and shell-quoted",
                                                         "with control bytes as \\xNN"};
    for (size_t i = 0; i < SECRET_FORMS; i++) {
        if ((i == 0 || !raw_secrets_only) &&
            (contains(record, cf_buf_str(&forms[i])) || contains(curl, cf_buf_str(&forms[i])))) {
            fprintf(stderr,
                    TARGET ": a secret, %s, escaped redaction:\n"
                           "--- request record ---\n%s\n--- curl line ---\n%s\n",
                    form_names[i], record, curl);
            abort();
        }
        cf_buf_free(&forms[i]);
    }
}

static void request_records(const uint8_t *data, size_t size)
{
    cf_fuzz_case c;
    cf_secrets secrets = {0};
    char *record = NULL, *curl = NULL;
    if (!cf_fuzz_case_build(&c, data, size) || c.rc != CF_OK)
        goto out; /* a refused case has no record; fuzz_request_serializer judges refusals */
    if (cf_secrets_init(&secrets, &c.vars) != CF_OK)
        goto out;
    record = cf_fuzz_record_request(c.api, &c.q, &secrets);
    curl = cf_fuzz_record_curl(c.api, &c.q, &secrets);
    if (!record || !curl)
        cf_fuzz_fail(TARGET, "no record for a request this small", NULL);
    if (show)
        fprintf(stderr, "--- request record ---\n%s\n--- curl line ---\n%s\n", record, curl);
    check_secret(c.bearer, record, curl);
    check_secret(c.bearer_alt, record, curl);
out:
    free(record);
    free(curl);
    cf_secrets_cleanup(&secrets);
    cf_fuzz_case_cleanup(&c);
}

static void response_record(const uint8_t *data, size_t size)
{
    if (size < 1)
        return;
    const cf_fuzz_spec *s = cf_fuzz_pick(data[0]);
    cf_response r;
    (void)cf_fuzz_response_read(&r, s->api, data + 1, size - 1);
    /* NULL is for allocation failure only: any response within the bounds has a record. */
    char *record = cf_fuzz_record_response(&r, &s->secrets);
    if (!record)
        cf_fuzz_fail(TARGET, "no record for a response within the bounds", NULL);
    if (cf_fuzz_secrets_find(&s->secrets, record))
        cf_fuzz_fail(TARGET, "a secret in a response record", record);
    free(record);
    cf_response_cleanup(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (data[0] & 1)
        request_records(data + 1, size - 1);
    else
        response_record(data + 1, size - 1);
    return 0;
}
