/* test_cli_options.c - the CLI's one option mechanism and integer parser (cli/options.c),
 * called directly on a test command and through the conform binary on the real ones. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/options.h"
#include "cli_child.h"

/* ---- the integer parser ---------------------------------------------------------------------- */

Test(cli_options, integer_parser_takes_digits_in_range_only, .timeout = 5)
{
    static const struct {
        const char *text;
        unsigned long long min, max;
        int ok;
        unsigned long long want;
    } cases[] = {
        {"1", 1, 256, 1, 1},
        {"256", 1, 256, 1, 256},
        {"007", 1, 256, 1, 7},
        {"0", 0, 5, 1, 0},
        {"18446744073709551615", 0, ~0ull, 1, ~0ull},
        {"0", 1, 256, 0, 0},
        {"257", 1, 256, 0, 0},
        {"-1", 0, 256, 0, 0},
        {"-0", 0, 256, 0, 0},
        {"+5", 0, 256, 0, 0},
        {" 5", 0, 256, 0, 0},
        {"5 ", 0, 256, 0, 0},
        {"1x", 0, 256, 0, 0},
        {"0x10", 0, 256, 0, 0},
        {"1e3", 0, 100000, 0, 0},
        {"", 0, 256, 0, 0},
        {"18446744073709551616", 0, ~0ull, 0, 0}, /* ULLONG_MAX + 1 */
        {"99999999999999999999", 0, ~0ull, 0, 0},
        {"70000", 0, 65535, 0, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        unsigned long long v = 12345;
        int ok =
            cf_cli_parse_uint(cases[i].text, strlen(cases[i].text), cases[i].min, cases[i].max, &v);
        cr_expect_eq(ok, cases[i].ok, "\"%s\" in %llu..%llu: got %d", cases[i].text, cases[i].min,
                     cases[i].max, ok);
        cr_expect_eq(v, cases[i].ok ? cases[i].want : 12345ull, "\"%s\": value %llu", cases[i].text,
                     v);
    }
}

Test(cli_options, integer_parser_reads_only_the_given_length, .timeout = 5)
{
    unsigned long long v = 0;
    cr_assert(cf_cli_parse_uint("12/34", 2, 1, 100, &v));
    cr_assert_eq(v, 12);
    cr_assert(!cf_cli_parse_uint("12/34", 3, 1, 100, &v));
    cr_assert(!cf_cli_parse_uint(NULL, 0, 0, 100, &v));
}

/* ---- the mechanism on a test command ----------------------------------------------------------
 */

#define TEST_OPTIONS(X)                                                                            \
    X(COUNT, "count", 'c', required_argument, "N", "how many, 1..10")                              \
    X(HELP, "help", 'h', no_argument, NULL, "this text")                                           \
    X(NAME, "name", 0, required_argument, "A-VERY-LONG-PLACEHOLDER", "a name\nover two lines")     \
    X(VERBOSE, "verbose", 'v', no_argument, NULL, "more")                                          \
    X(VERSION, "version", 0, no_argument, NULL, "the version")

CF_CLI_COMMAND(test_command, TEST_OPTIONS, "test", "usage: conform test [options] ARG...\n",
               "tail text\n");

/* Parses `args` (NULL-terminated, argv[0] included) to the end or the first error; records
 * each id (and value) as "ID[=value] " in `trace` and what was printed on the error stream. */
typedef struct {
    char trace[512];
    char *err; /* what went to p->err */
    size_t err_len;
    int last;      /* CF_CLI_END or CF_CLI_ERROR */
    char *argv[8]; /* the parser gathers arguments in it */
    cf_cli_parser p;
} parse_run;

static void parse(parse_run *r, const char *const *args)
{
    memset(r, 0, sizeof(*r));
    int argc = 0;
    for (; args[argc] && argc < 7; argc++)
        r->argv[argc] = (char *)args[argc];
    FILE *err = open_memstream(&r->err, &r->err_len);
    cr_assert_not_null(err);
    cf_cli_parser_init(&r->p, &test_command, argc, r->argv);
    r->p.err = err;
    int id;
    while ((id = cf_cli_parser_next(&r->p)) != CF_CLI_END && id != CF_CLI_ERROR) {
        size_t n = strlen(r->trace);
        const char *name =
            id == CF_CLI_ARG ? "ARG" : test_command.options[id - CF_CLI_OPTION_BASE].name;
        snprintf(r->trace + n, sizeof(r->trace) - n, "%s%s%s ", name, r->p.value ? "=" : "",
                 r->p.value ? r->p.value : "");
    }
    r->last = id;
    fclose(err);
}

static void parse_run_cleanup(parse_run *r)
{
    free(r->err);
}

Test(cli_options, options_and_arguments_come_in_command_line_order, .timeout = 5)
{
    static const struct {
        const char *args[8];
        const char *trace;
        const char *gathered; /* p.args joined by ' ' */
    } cases[] = {
        {{"t", "--count", "3", "a", "--verbose", "b"}, "count=3 ARG=a verbose ARG=b ", "a b"},
        {{"t", "--count=4", "-v", "-c5", "-c", "6"}, "count=4 verbose count=5 count=6 ", ""},
        {{"t", "x", "--", "--count", "-v"}, "ARG=x ARG=--count ARG=-v ", "x --count -v"},
        {{"t", "--verb", "--na", "n"}, "verbose name=n ", ""}, /* unambiguous prefixes */
        {{"t", "-", "--name", "-v"}, "ARG=- name=-v ", "-"},
        {{"t", "--"}, "", ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        parse_run r;
        parse(&r, cases[i].args);
        cr_expect_eq(r.last, CF_CLI_END, "case %zu: ended with %d: %s", i, r.last, r.err);
        cr_expect_str_eq(r.trace, cases[i].trace, "case %zu", i);
        char gathered[128] = "";
        for (size_t k = 0; k < r.p.arg_count; k++)
            snprintf(gathered + strlen(gathered), sizeof(gathered) - strlen(gathered), "%s%s",
                     k ? " " : "", r.p.args[k]);
        cr_expect_str_eq(gathered, cases[i].gathered, "case %zu", i);
        cr_expect_eq(r.err_len, 0, "case %zu printed %s", i, r.err);
        parse_run_cleanup(&r);
    }
}

Test(cli_options, usage_errors_name_the_flag_and_point_to_help, .timeout = 5)
{
    static const struct {
        const char *args[6];
        const char *says;
    } cases[] = {
        {{"t", "--bogus"}, "conform test: unknown option --bogus\n"},
        {{"t", "--bogus=1"}, "unknown option --bogus=1\n"},
        {{"t", "-x"}, "unknown option -x\n"},
        {{"t", "-vx"}, "unknown option -x\n"},
        {{"t", "--count"}, "conform test: --count needs a value (N)\n"},
        {{"t", "-c"}, "--count needs a value (N)\n"},
        {{"t", "--verbose=yes"}, "--verbose takes no value\n"},
        {{"t", "--ver"}, "ambiguous option --ver (--verbose, --version)\n"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        parse_run r;
        parse(&r, cases[i].args);
        cr_expect_eq(r.last, CF_CLI_ERROR, "case %zu: ended with %d", i, r.last);
        cr_expect(r.err && strstr(r.err, cases[i].says), "case %zu: \"%s\" not in %s", i,
                  cases[i].says, r.err);
        cr_expect(r.err && strstr(r.err, "(conform test --help lists the options)\n"),
                  "case %zu: %s", i, r.err);
        parse_run_cleanup(&r);
    }
}

Test(cli_options, integer_flag_errors_say_flag_range_and_value, .timeout = 5)
{
    static const char *const bad[] = {"0", "-1", "1x", "99999999999999999999", "11", ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *args[] = {"t", "--count", (char *)bad[i], NULL};
        char *text = NULL;
        size_t len = 0;
        FILE *err = open_memstream(&text, &len);
        cr_assert_not_null(err);
        cf_cli_parser p;
        cf_cli_parser_init(&p, &test_command, 3, args);
        p.err = err;
        cr_assert_eq(cf_cli_parser_next(&p), OPT_COUNT);
        unsigned long long v = 77;
        cr_expect_eq(cf_cli_uint(&p, 1, 10, &v), 0, "\"%s\" accepted", bad[i]);
        fclose(err);
        cr_expect_eq(v, 77);
        char want[128];
        snprintf(want, sizeof(want),
                 "conform test: --count expects an integer 1..10, got \"%s\"\n"
                 "(conform test --help lists the options)\n",
                 bad[i]);
        cr_expect_str_eq(text, want);
        free(text);
    }
    char *args[] = {"t", "-c", "10", NULL};
    cf_cli_parser p;
    cf_cli_parser_init(&p, &test_command, 3, args);
    cr_assert_eq(cf_cli_parser_next(&p), OPT_COUNT);
    unsigned long long v = 0;
    cr_assert_eq(cf_cli_uint(&p, 1, 10, &v), 1);
    cr_assert_eq(v, 10);
}

Test(cli_options, help_lists_every_option_with_its_text_aligned, .timeout = 5)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert_not_null(f);
    cf_cli_help_print(&test_command, f);
    fclose(f);
    cr_assert_str_eq(text, "usage: conform test [options] ARG...\n"
                           "\n"
                           "options:\n"
                           "  -c, --count N        how many, 1..10\n"
                           "  -h, --help           this text\n"
                           "  --name A-VERY-LONG-PLACEHOLDER  a name\n"
                           "                       over two lines\n"
                           "  -v, --verbose        more\n"
                           "  --version            the version\n"
                           "\n"
                           "tail text\n");
    free(text);
}

Test(cli_options, help_option_prints_help_and_says_exit_zero, .timeout = 5)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    cr_assert_not_null(f);
    char *args[] = {"t", "-h", NULL};
    cf_cli_parser p;
    cf_cli_parser_init(&p, &test_command, 2, args);
    p.out = f;
    cr_assert_eq(cf_cli_parser_next(&p), OPT_HELP);
    cr_assert_eq(cf_cli_help(&p), CF_CLI_EXIT_OK);
    fclose(f);
    cr_assert_not_null(strstr(out, "usage: conform test"));
    free(out);
    f = open_memstream(&out, &len);
    cr_assert_not_null(f);
    p.err = f;
    cr_assert_eq(cf_cli_usage_error(&p, "bad %d", 7), CF_CLI_EXIT_USAGE);
    fclose(f);
    cr_assert_str_eq(out, "conform test: bad 7\n(conform test --help lists the options)\n");
    free(out);
}

/* ---- the real commands, through the binary --------------------------------------------------- */

Test(cli_options, every_command_rejects_bad_flags_with_status_2, .timeout = 30)
{
    static const struct {
        const char *args[5];
        const char *says;
    } cases[] = {
        {{"run", "--jobs", "0"}, "conform run: --jobs expects an integer 1..256, got \"0\""},
        {{"run", "--jobs", "-1"}, "--jobs expects an integer 1..256, got \"-1\""},
        {{"run", "--jobs", "1x"}, "--jobs expects an integer 1..256, got \"1x\""},
        {{"run", "--jobs", "99999999999999999999"}, "--jobs expects an integer 1..256"},
        {{"run", "--timeout", "0"}, "--timeout expects an integer 1..600000"},
        {{"run", "--retries", "6"}, "--retries expects an integer 0..5"},
        {{"run", "--max-body", "1023"}, "--max-body expects an integer 1024..1073741824"},
        {{"run", "--repeat", "1001"}, "--repeat expects an integer 1..1000"},
        {{"run", "--shard", "1/x"}, "--shard expects K/N"},
        {{"run", "--shard", "1/10001"}, "--shard expects K/N"},
        {{"run", "--jobs"}, "conform run: --jobs needs a value (N)"},
        {{"run", "--bogus"}, "conform run: unknown option --bogus"},
        {{"run", "--quiet=1"}, "--quiet takes no value"},
        {{"serve", "--port", "70000"}, "conform serve: --port expects an integer 0..65535"},
        {{"serve", "--seed", "-1"}, "--seed expects an integer"},
        {{"serve", "--port"}, "conform serve: --port needs a value (N)"},
        {{"serve", "--bogus"}, "conform serve: unknown option --bogus"},
        {{"lint", "--bogus"}, "conform lint: unknown option --bogus"},
        {{"--bogus"}, "conform: unknown option --bogus"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cf_child p;
        cf_child_run(&p, NULL, NULL, cases[i].args);
        const char *err = cf_buf_str(&p.err);
        cr_expect_eq(p.status, 2, "case %zu: exit %d, stderr %s", i, p.status, err);
        cr_expect_not_null(strstr(err, cases[i].says), "case %zu: \"%s\" not in %s", i,
                           cases[i].says, err);
        cr_expect_not_null(strstr(err, "--help lists the options"), "case %zu: %s", i, err);
        cf_child_cleanup(&p);
    }
}

/* The option lines of a help text ("  --name ..." or "  -c, --name ..."), in order. */
static size_t help_options(const char *text, char names[][32], size_t max)
{
    size_t n = 0;
    for (const char *line = text; line && *line && n < max; line = strchr(line, '\n')) {
        if (*line == '\n')
            line++;
        const char *dashes = NULL;
        if (strncmp(line, "  --", 4) == 0)
            dashes = line + 4;
        else if (strncmp(line, "  -", 3) == 0 && strncmp(line + 4, ", --", 4) == 0)
            dashes = line + 8;
        if (!dashes)
            continue;
        size_t len = strcspn(dashes, " \n");
        snprintf(names[n++], 32, "%.*s", (int)len, dashes);
    }
    return n;
}

Test(cli_options, every_command_help_lists_its_options_sorted, .timeout = 30)
{
    static const struct {
        const char *args[3];
        const char *first, *last;
        size_t count;
    } cases[] = {
        {{"run", "--help"}, "allow-empty-var", "version", 24},
        {{"serve", "--help"}, "bind", "var", 7},
        {{"lint", "--help"}, "help", "help", 1},
        {{"--help"}, "help", "version", 2},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cf_child p;
        cf_child_run(&p, NULL, NULL, cases[i].args);
        cr_expect_eq(p.status, 0, "%s: exit %d", cases[i].args[0], p.status);
        char names[64][32];
        size_t n = help_options(cf_buf_str(&p.out), names, 64);
        cr_expect_eq(n, cases[i].count, "%s: %zu options in %s", cases[i].args[0], n,
                     cf_buf_str(&p.out));
        if (n) {
            cr_expect_str_eq(names[0], cases[i].first);
            cr_expect_str_eq(names[n - 1], cases[i].last);
        }
        for (size_t k = 1; k < n; k++)
            cr_expect_lt(strcmp(names[k - 1], names[k]), 0, "%s: %s before %s", cases[i].args[0],
                         names[k - 1], names[k]);
        cf_child_cleanup(&p);
    }
}
