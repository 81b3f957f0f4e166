using Tracer.Probes;

namespace Tracer.Demos.LockOrder;

/// <summary>
/// Two transfers lock the two accounts "from first, then to": A→B locks A then B, B→A locks B then A. Run one after
/// the other they complete, so nothing hangs today; run at the same time they can deadlock. The tracer's lock-order
/// graph reports the inversion anyway. Fixed: always lock the account with the lower number first.
/// </summary>
public static class LockOrderDemo
{
    public static int Run(bool fixedVariant)
    {
        var checking = new Account(1, "account-1");
        var savings = new Account(2, "account-2");
        TracedThread.Start(() => Transfer(checking, savings, 10, fixedVariant), "transfer-1-to-2").Join();
        TracedThread.Start(() => Transfer(savings, checking, 5, fixedVariant), "transfer-2-to-1").Join();
        Console.WriteLine($"balances: {checking.Balance}, {savings.Balance}");
        return 0;
    }

    private static void Transfer(Account from, Account to, int amount, bool ordered)
    {
        (Account first, Account second) = !ordered || from.Number < to.Number ? (from, to) : (to, from);
        using (first.Gate.Enter())
        {
            using (second.Gate.Enter())
            {
                from.Balance -= amount;
                to.Balance += amount;
            }
        }
    }

    private sealed class Account(int number, string name)
    {
        public int Number { get; } = number;
        public TracedLock Gate { get; } = new(name);
        public int Balance { get; set; } = 100;
    }
}
