package io.farthing.auth.consent;

import io.farthing.common.Amount;

/**
 * An allowance (recurring consent): the consent's partner may charge up to {@code limit} in each
 * period of {@code interval}. auth-svc keeps what was granted and says which period a charge falls
 * in; payments-svc counts what is used of each period.
 */
public record Allowance(Amount limit, RepeatingInterval interval) {}
