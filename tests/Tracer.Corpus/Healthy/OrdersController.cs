using Microsoft.AspNetCore.Mvc;

namespace Tracer.Corpus.Healthy;

/// <summary>An order as the API sends and receives it.</summary>
public sealed record Order(int Id, string Item, int Quantity);

/// <summary>The controller app's API: read and create orders, asynchronously as real controllers do.</summary>
[ApiController]
[Route("api/orders")]
public sealed class OrdersController(OrderStore store, ILogger<OrdersController> log) : ControllerBase
{
    [HttpGet("{id:int}")]
    public async Task<ActionResult<Order>> Get(int id, CancellationToken cancel)
    {
        await Task.Delay(3, cancel); // the database round trip
        return store.Find(id) is { } order ? order : NotFound();
    }

    [HttpPost]
    public async Task<ActionResult<Order>> Create(Order order, CancellationToken cancel)
    {
        await Task.Delay(5, cancel);
        Order saved = store.Add(order);
        log.LogInformation("order {Id} created for {Item}", saved.Id, saved.Item);
        return CreatedAtAction(nameof(Get), new { id = saved.Id }, saved);
    }
}

/// <summary>Orders in memory, under one lock held only to read or add an entry.</summary>
public sealed class OrderStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, Order> _orders = [];

    public Order? Find(int id)
    {
        lock (_lock)
        {
            return _orders.GetValueOrDefault(id);
        }
    }

    public Order Add(Order order)
    {
        lock (_lock)
        {
            Order saved = order with { Id = _orders.Count + 1 };
            _orders[saved.Id] = saved;
            return saved;
        }
    }
}
