/* fuzz_checks.c - libFuzzer target: every check of cf_checks_run on a parsed response, as the
 * runner judges a case step: no crash or leak, and every verdict is redacted text (no secret
 * variable's value, nor a prefix that gives it away, in any actual or expected value).
 *
 * Input: the same as fuzz_response_parser's: byte 0 picks the bundled spec (bit 0) and the case
 * step whose expectations apply (the other bits); the rest is the response as it came off the
 * wire. The specs, their variables and the requests of every step are built once in
 * LLVMFuzzerInitialize and only read afterwards. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_util.h"

#define TARGET "fuzz_checks"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    cf_fuzz_load(TARGET, CF_FUZZ_STEPS);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const cf_fuzz_spec *s = cf_fuzz_pick(data[0]);
    const cf_fuzz_step *ps = cf_fuzz_pick_step(s, data[0]);
    cf_response r;
    (void)cf_fuzz_response_read(&r, s->api, data + 1, size - 1);

    cf_run_result run = {0};
    cf_case_result *res = cf_run_result_add_case(&run);
    if (res && cf_fuzz_checks_run(s, ps, &r, res) == CF_OK) {
        for (size_t i = 0; i < res->check_count; i++) {
            const cf_check_result *c = &res->checks[i];
            if (cf_fuzz_secrets_find(&s->secrets, c->actual) ||
                cf_fuzz_secrets_find(&s->secrets, c->expected))
                cf_fuzz_fail(TARGET, "a secret in a verdict", c->id);
        }
    }
    cf_run_result_cleanup(&run);
    cf_response_cleanup(&r);
    return 0;
}
