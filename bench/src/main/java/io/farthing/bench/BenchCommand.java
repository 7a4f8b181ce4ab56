package io.farthing.bench;

import io.farthing.bench.auth.MintTokenCommand;
import io.farthing.bench.load.ChartCommand;
import io.farthing.bench.notify.WebhooksCommand;
import io.farthing.bench.payments.ChargeCommand;
import io.farthing.bench.risk.RiskScoreCommand;
import picocli.CommandLine.Command;

/**
 * The load generator's commands, one per API driven. Each runs open loop (a fixed arrival rate,
 * latency measured from the intended send time) or closed loop (a fixed number of callers, to
 * find the most the service answers), and writes a JSON report (see docs/benchmarks/).
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Farthing load generator.",
    subcommands = {RiskScoreCommand.class, ChargeCommand.class, WebhooksCommand.class, MintTokenCommand.class, ChartCommand.class})
public class BenchCommand {}
