using System.Collections.Concurrent;

namespace Tracer.RaceRuntime;

/// <summary>
/// `foreach (var item in collection.GetConsumingEnumerable())`: each item is taken inside the enumerator's MoveNext,
/// an interface call the rewriter cannot tell from any other. The enumerable is wrapped where it is made, so that
/// every item it yields is acquired from the collection, as Take is (<see cref="Handoffs"/>).
/// </summary>
public static class ConsumingCalls
{
    private const string Blocking = "System.Collections.Concurrent.BlockingCollection`1";

    [Redirect(Blocking, "GetConsumingEnumerable", Instance = true)]
    public static IEnumerable<T> GetConsumingEnumerable<T>(BlockingCollection<T> collection) =>
        Acquiring(collection, collection.GetConsumingEnumerable());

    [Redirect(Blocking, "GetConsumingEnumerable", Instance = true)]
    public static IEnumerable<T> GetConsumingEnumerable<T>(BlockingCollection<T> collection, CancellationToken cancellationToken) =>
        Acquiring(collection, collection.GetConsumingEnumerable(cancellationToken));

    private static IEnumerable<T> Acquiring<T>(BlockingCollection<T> collection, IEnumerable<T> items)
    {
        foreach (T item in items)
        {
            Handoffs.After(collection); // what the producer did before Add happens before this item's use
            yield return item;
        }
    }
}
