/* Option parsing: defaults, every form, and every kind of bad input. */
#include "options.h"
#include "unit.h"

static const char *names[] = {"sendrecv", "bcast", "reduce"};
static const bool in_default[] = {true, true, false};
static const mm_op_names ops = {3, names, names, in_default};

static int parse(mm_config *cfg, char *err, int argc, char **argv) {
  return mm_options_parse(argc, argv, &ops, cfg, err, 256);
}
MM_CLI_FLAG(set_force, mm_config, force, true)

#define PARSE(cfg, err, ...) \
  parse(cfg, err, (int)(sizeof((char *[]){"mpimark", __VA_ARGS__}) / sizeof(char *)), \
        (char *[]){"mpimark", __VA_ARGS__})

int main(void) {
  mm_config c;
  char err[256];
  char *argv0[] = {"mpimark"};
  CHECK(parse(&c, err, 1, argv0) == 0);
  CHECK(c.ops == 3u); /* all but reduce, which runs only when named */
  CHECK(c.paths == 3u);
  CHECK(c.sizes.n == 23);
  CHECK(c.iterations == 0 && c.warmup == MM_WARMUP_AUTO && c.window == 64 && c.root == 0);
  CHECK_NEAR(c.time_budget, 0.1, 1e-12);
  CHECK(c.format == MM_FORMAT_TABLE && !c.validate && !c.output && !c.force);

  CHECK(PARSE(&c, err, "bcast", "-m", "8,1K", "-i", "5", "-x", "0", "--path=buffer", "-c") == 0);
  CHECK(c.ops == 2u && c.sizes.n == 2 && c.iterations == 5 && c.warmup == 0);
  CHECK(c.paths == 1u && c.validate);
  CHECK(PARSE(&c, err, "--sizes=64", "-W8", "--format", "csv", "-o", "r.csv", "--force") == 0);
  CHECK(c.sizes.n == 1 && c.window == 8 && c.format == MM_FORMAT_CSV && c.force);
  CHECK_STR(c.output, "r.csv");
  CHECK(PARSE(&c, err, "reduce", "sendrecv", "--time", "0.5", "--root", "1", "--payload",
              "floats") == 0);
  CHECK(c.ops == 5u && c.root == 1 && c.payload == MM_PAYLOAD_FLOATS);
  CHECK(PARSE(&c, err, "-h") == 0 && c.help);
  CHECK(PARSE(&c, err, "-x", "7") == 0 && c.warmup == 7);
  CHECK(PARSE(&c, err, "-x", "auto") == 0 && c.warmup == MM_WARMUP_AUTO);
  /* -W's long name, and its earlier one (options.def, MM_OPTION_OLD) */
  CHECK(PARSE(&c, err, "--in-flight", "16") == 0 && c.window == 16 && !c.window_auto);
  CHECK(PARSE(&c, err, "--window", "12") == 0 && c.window == 12);
  CHECK(PARSE(&c, err, "--window=auto") == 0 && c.window_auto);
  CHECK(PARSE(&c, err, "--windo", "4") == -1 && strstr(err, "unknown option '--windo'"));

  CHECK(PARSE(&c, err, "allgather") == -1 && strstr(err, "unknown operation 'allgather'"));
  CHECK(strstr(err, "sendrecv bcast reduce") != NULL);
  CHECK(PARSE(&c, err, "--bogus") == -1 && strstr(err, "unknown option '--bogus'"));
  CHECK(PARSE(&c, err, "-z") == -1 && strstr(err, "unknown option '-z'"));
  CHECK(PARSE(&c, err, "-i", "0") == -1 && strstr(err, "iteration count"));
  CHECK(PARSE(&c, err, "-i", "-3") == -1 && strstr(err, "iteration count '-3'"));
  CHECK(PARSE(&c, err, "-i", "10x") == -1);
  CHECK(PARSE(&c, err, "-x", "-1") == -1 && strstr(err, "warmup"));
  CHECK(PARSE(&c, err, "-W", "0") == -1 && strstr(err, "in-flight"));
  CHECK(PARSE(&c, err, "--time", "0") == -1 && strstr(err, "--time"));
  CHECK(PARSE(&c, err, "--time", "nan") == -1);
  CHECK(PARSE(&c, err, "--path", "pickle") == -1 && strstr(err, "--path 'pickle'"));
  CHECK(PARSE(&c, err, "--format", "xml") == -1 && strstr(err, "--format"));
  CHECK(PARSE(&c, err, "-o", "results.txt") == -1 && strstr(err, ".csv or .json"));
  CHECK(PARSE(&c, err, "-m") == -1 && strstr(err, "needs a value"));
  CHECK(PARSE(&c, err, "-m", "4:1") == -1 && strstr(err, "MIN is larger"));
  CHECK(PARSE(&c, err, "--validate=yes") == -1 && strstr(err, "takes no value"));
  CHECK(PARSE(&c, err, "--root", "-1") == -1 && strstr(err, "root"));

  /* The engine alone, as montecarlo_pi uses it: without a positional
   * callback, an argument that is not an option is refused. */
  const mm_cli_option force[] = {{"force", 'f', NULL, NULL, set_force, "force"}};
  const mm_cli cli = {force, 1, NULL, NULL, NULL, 0};
  memset(&c, 0, sizeof c);
  CHECK(mm_cli_parse(&cli, 2, (char *[]){"p", "-f"}, &c, err, sizeof err) == 0 && c.force);
  CHECK(mm_cli_parse(&cli, 2, (char *[]){"p", "-"}, &c, err, sizeof err) == -1);
  CHECK(strstr(err, "unexpected argument '-'") != NULL);
  return unit_report("test_options");
}
