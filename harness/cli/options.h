/* options.h - the one option mechanism of every conform subcommand: an X-macro list per
 * command gives the option enum, the getopt_long table and the help text; one parser reports
 * every usage error the same way; one integer parser reads every numeric flag.
 *
 * A command writes its options as one sorted list, each with its help text next to it
 * (curl's src/tool_getparam.c), and handles them in one switch:
 *
 *     #define RUN_OPTIONS(X)                                                              \
 *         X(HELP, "help", 0, no_argument, NULL, "this text")                                \
 *         X(JOBS, "jobs", 0, required_argument, "N", "requests in flight at once, 1..256")
 *     CF_CLI_COMMAND(run_command, RUN_OPTIONS, "run", usage_head, usage_tail);
 *
 *     cf_cli_parser p;
 *     cf_cli_parser_init(&p, &run_command, argc, argv);
 *     for (int id; (id = cf_cli_parser_next(&p)) != CF_CLI_END;)
 *         switch (id) {
 *         case CF_CLI_ERROR: return CF_CLI_EXIT_USAGE;   (already printed)
 *         case CF_CLI_ARG: break;   (or reject it; all of them are in p.args at the end)
 *         case OPT_HELP: return cf_cli_help(&p);
 *         case OPT_JOBS: if (!cf_cli_uint(&p, 1, 256, &n)) return CF_CLI_EXIT_USAGE; ...
 *         }
 *
 * Values come as `--name VALUE` or `--name=VALUE`; an unambiguous prefix of a long name is
 * accepted (getopt_long). Positional arguments are handed out in command-line order; after
 * `--` every argument is positional.
 *
 * Memory: nothing here allocates. A cf_cli_command and its tables are static; a cf_cli_parser
 * lives on the caller's stack and borrows argv: p->value and p->args point into it, and the
 * positional arguments are gathered, in order, at argv[1..] as they are read. The parser uses
 * getopt_long's global state, so one parser runs at a time. */
#ifndef CF_CLI_OPTIONS_H
#define CF_CLI_OPTIONS_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

#include "base/rc.h"

/* Exit statuses every subcommand uses. */
enum {
    CF_EXIT_OK = 0,          /* every check held / all specs valid */
    CF_EXIT_FAILED = 1,      /* a check failed */
    CF_EXIT_USAGE = 2,       /* bad flags or a bad spec */
    CF_EXIT_UNREACHABLE = 3, /* the target could not be reached */
    CF_EXIT_INTERRUPTED = 130
};

/* What parsing a command line decided; the exit values are the process's exit statuses. */
typedef enum {
    CF_CLI_GO_ON = -1,                /* parsed: the command does its work */
    CF_CLI_EXIT_OK = CF_EXIT_OK,      /* done already (--help, --version): exit 0 */
    CF_CLI_EXIT_USAGE = CF_EXIT_USAGE /* a usage error was printed: exit 2 */
} cf_cli_status;

/* What cf_cli_parser_next() returns besides an option's id. Option ids start at
 * CF_CLI_OPTION_BASE, above every character getopt may return. */
enum { CF_CLI_END = 0, CF_CLI_ARG = 1, CF_CLI_ERROR = 2, CF_CLI_OPTION_BASE = 256 };

/* Options one command may have; bounds the short-option string built from its table. */
#define CF_CLI_MAX_OPTIONS 64

/* One row of a command's list: X(ID, "long-name", short char or 0, no_argument or
 * required_argument, "VALUE" placeholder or NULL, "help text"). A help text may hold '\n';
 * its further lines are indented under the first. */
typedef struct {
    const char *name;
    int short_name;
    int has_arg;
    const char *arg;
    const char *help;
} cf_cli_option;

/* The expansions of an option list; OPT_<ID> is an option's id in the command's switch. */
#define CF_CLI_OPTION_ENUM(id, name, short_name, has_arg, arg, help) OPT_##id,
#define CF_CLI_OPTION_ROW(id, name, short_name, has_arg, arg, help)                                \
    {name, short_name, has_arg, arg, help},
#define CF_CLI_OPTION_GETOPT(id, name, short_name, has_arg, arg, help)                             \
    {name, has_arg, NULL, OPT_##id},

/* A command: its name in messages ("run"; "" for conform itself), the help text before the
 * option list (usage line and what the command does) and after it (exit statuses). */
typedef struct {
    const char *name;
    const char *head;
    const char *tail;
    const cf_cli_option *options; /* the rows, in the list's (sorted) order */
    const struct option *getopt;  /* the same, for getopt_long; ends with a zero row */
    size_t count;
} cf_cli_command;

/* Defines the ids OPT_<ID> (from CF_CLI_OPTION_BASE on, in list order, so an id is also its
 * row's index) and `static const cf_cli_command var`, both from LIST. One per file. */
#define CF_CLI_COMMAND(var, LIST, name, head, tail)                                                \
    enum { OPT_FIRST_ = CF_CLI_OPTION_BASE - 1, LIST(CF_CLI_OPTION_ENUM) };                        \
    static const cf_cli_option var##_rows[] = {LIST(CF_CLI_OPTION_ROW)};                           \
    static const struct option var##_getopt[] = {LIST(CF_CLI_OPTION_GETOPT){NULL, 0, NULL, 0}};    \
    _Static_assert(sizeof(var##_rows) / sizeof(var##_rows[0]) <= CF_CLI_MAX_OPTIONS,               \
                   "raise CF_CLI_MAX_OPTIONS");                                                    \
    static const cf_cli_command var = {                                                            \
        name, head, tail, var##_rows, var##_getopt, sizeof(var##_rows) / sizeof(var##_rows[0])}

typedef struct {
    /* public */
    const char *value; /* the current option's value, or the positional argument */
    int index;         /* argv index of the positional argument just returned */
    char **args;       /* the positional arguments read so far (argv + 1) */
    size_t arg_count;
    FILE *out; /* help goes here (init: stdout) */
    FILE *err; /* usage errors go here (init: stderr) */
    /* private */
    const cf_cli_command *cmd;
    int argc;
    char **argv;
    int current;                             /* id of the option just returned */
    int rest;                                /* after "--": next argv index, else 0 */
    char shorts[2 * CF_CLI_MAX_OPTIONS + 3]; /* getopt's optstring */
} cf_cli_parser;

/* Prepares to parse argv[1..argc) of `cmd` (argv[0] is the command's name). Cannot fail. */
void cf_cli_parser_init(cf_cli_parser *p, const cf_cli_command *cmd, int argc, char **argv);

/* The next option's id (p->value holds its value, if any), CF_CLI_ARG (p->value and p->index
 * name the argument), CF_CLI_END, or CF_CLI_ERROR after printing what was wrong on p->err:
 * an unknown or ambiguous option, a missing value, a value given to a flag without one. */
int cf_cli_parser_next(cf_cli_parser *p);

/* Prints "conform CMD: <message>" and a pointer to --help on p->err; returns
 * CF_CLI_EXIT_USAGE. */
cf_cli_status cf_cli_usage_error(const cf_cli_parser *p, const char *fmt, ...) CF_PRINTF(2, 3);

/* Prints the command's help (head, the option list, tail) on `f`. */
void cf_cli_help_print(const cf_cli_command *cmd, FILE *f);
/* Prints the help on p->out; returns CF_CLI_EXIT_OK (for `case OPT_HELP:`). */
cf_cli_status cf_cli_help(const cf_cli_parser *p);

/* The long name of the option cf_cli_parser_next() last returned ("jobs"), NULL before any:
 * lets code shared by commands with their own option lists tell the options apart. */
const char *cf_cli_parser_option_name(const cf_cli_parser *p);

/* Reads the first `len` bytes of `text` as a whole number in [min, max]: decimal digits only
 * (no sign, no spaces, nothing after them), no overflow. Returns 1 and sets *out, else 0 and
 * leaves *out alone. Prints nothing. */
int cf_cli_parse_uint(const char *text, size_t len, unsigned long long min, unsigned long long max,
                      unsigned long long *out);

/* The current option's value read by cf_cli_parse_uint(); when it is not one, prints
 * "conform CMD: --FLAG expects an integer MIN..MAX, got "VALUE"" and returns 0. */
int cf_cli_uint(const cf_cli_parser *p, unsigned long long min, unsigned long long max,
                unsigned long long *out);

#endif
