package io.farthing.bench;

import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import picocli.CommandLine;

/** Entry point: {@code java -jar bench/target/quarkus-app/quarkus-run.jar <command> [options]}. */
@QuarkusMain
public class BenchMain implements QuarkusApplication {
  @Override
  public int run(String... args) {
    return new CommandLine(new BenchCommand()).execute(args);
  }
}
