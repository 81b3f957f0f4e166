using System.Runtime.CompilerServices;

namespace Tracer.Demos.DiningPhilosophers;

/// <summary>
/// Five philosophers share five forks (locks). Bug: each takes the fork on the left, then the one on the right, so
/// when all hold their left fork, all wait forever (a cycle). A latch makes every philosopher hold the left fork
/// before anyone reaches for the right one, so the deadlock happens on every run, within milliseconds.
/// Fix: take the two forks in one global order (lower number first): no cycle can form.
/// </summary>
public static class DiningPhilosophersDemo
{
    private const int Seats = 5;
    private const int Meals = 200;

    public static int Run(bool fixedVariant)
    {
        var forks = new object[Seats];
        for (int i = 0; i < Seats; i++)
        {
            forks[i] = new object();
        }

        using var allHoldLeftFork = new CountdownEvent(Seats);
        var philosophers = new Thread[Seats];
        for (int seat = 0; seat < Seats; seat++)
        {
            var philosopher = new Philosopher(seat, forks[seat], forks[(seat + 1) % Seats], (seat + 1) % Seats, fixedVariant ? null : allHoldLeftFork);
            philosophers[seat] = new Thread(philosopher.Dine) { Name = $"philosopher-{seat}" };
        }

        foreach (Thread t in philosophers)
        {
            t.Start();
        }

        foreach (Thread t in philosophers)
        {
            t.Join();
        }

        Console.WriteLine($"all {Seats} philosophers ate {Meals} meals each: no deadlock");
        return 0;
    }

    private sealed class Philosopher(int seat, object leftFork, object rightFork, int rightSeat, CountdownEvent? rendezvous)
    {
        private int _meals;

        public void Dine()
        {
            if (rendezvous is not null)
            {
                DineLeftThenRight();
                return;
            }

            // Fixed: forks have numbers; always take the lower-numbered one first.
            bool leftFirst = seat < rightSeat;
            object first = leftFirst ? leftFork : rightFork;
            object second = leftFirst ? rightFork : leftFork;
            for (int meal = 0; meal < Meals; meal++)
            {
                PickUpBothAndEat(first, second);
            }

            Console.WriteLine($"philosopher {seat} is full after {_meals} meals");
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void DineLeftThenRight()
        {
            lock (leftFork)
            {
                Console.WriteLine($"philosopher {seat} picked up fork {seat} (left)");
                rendezvous!.Signal();
                rendezvous.Wait(); // everyone now holds a left fork
                Console.WriteLine($"philosopher {seat} reaches for fork {rightSeat} (right)...");
                PickUpRightFork();
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void PickUpRightFork()
        {
            lock (rightFork)
            {
                Eat();
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void PickUpBothAndEat(object first, object second)
        {
            lock (first)
            {
                lock (second)
                {
                    Eat();
                }
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void Eat() => _meals++;
    }
}
