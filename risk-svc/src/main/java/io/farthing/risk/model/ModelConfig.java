package io.farthing.risk.model;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The statistical model's keys, {@code risk.model.*}. */
@ConfigMapping(prefix = "risk.model")
public interface ModelConfig {

  /**
   * Score points the model adds at fraud probability 1: {@code points = round(p × max-points)}.
   * With the default 500 the model alone can move a payment halfway up the 0–1000 scale.
   */
  @WithDefault("500")
  int maxPoints();

  /**
   * The step size of one feedback update (one labelled outcome). Small on purpose: one report
   * nudges the model, a pattern of reports moves it. Training ends at about 0.0065.
   */
  @WithDefault("0.01")
  double learningRate();

  /** L2 pull of the weights toward 0 on every feedback update. */
  @WithDefault("0.00001")
  double l2();

  /**
   * How often each replica re-reads the active model's (version, updates) and reloads its
   * parameters when they changed: the bound on how long replicas disagree after feedback.
   * The scheduler reads the same key (see ModelService#reload).
   */
  @WithDefault("2s")
  Duration reloadInterval();
}
