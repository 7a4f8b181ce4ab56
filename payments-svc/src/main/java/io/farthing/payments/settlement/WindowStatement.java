package io.farthing.payments.settlement;

import io.farthing.payments.statement.MerchantStatement;
import java.util.List;

/**
 * A settlement window's statement: every charge and refund it settled with its fee and net, and
 * the totals (gross − refunds − fees + other = net = the window's payout, or its carried amount).
 * An OPEN window, and a window whose net was zero or less (its entries carried to the next
 * window), lists no lines.
 */
public record WindowStatement(
    WindowView window, String merchantName, MerchantStatement.Totals totals, List<MerchantStatement.ChargeLine> lines) {}
