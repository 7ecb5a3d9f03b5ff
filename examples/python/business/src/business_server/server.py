"""The MCP server, on the low-level API: one handler per method (``list_tools``,
``call_tool``, ``list_resources``, ``list_resource_templates``, ``read_resource``,
``list_prompts``, ``get_prompt``), each answering with the official types.

Tools: ``create_customer``, ``list_customers``, ``get_customer``, ``place_order``,
``list_orders``, ``get_order`` and ``send_email``. Resources: ``business://customers`` and
``business://orders`` (everything), the templates ``business://customers/{id}`` (one
customer with its orders) and ``business://orders/{id}``, and the data provider's
``custom://data/users``, ``custom://data/products`` and ``custom://data/orders``. Prompt:
``customer_followup {customer_id}``, a follow-up e-mail to draft from a customer's orders.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Dict, List

import mcp.types as types
from mcp.server.lowlevel.helper_types import ReadResourceContents

from mcpforge import ResourceNotFound
from mcpforge.sdk.lowlevel import Server

from .mail import Mailer
from .store import BusinessError, Store

CUSTOMER_ID = {"type": "integer", "minimum": 1, "description": "The customer id."}
ORDER_ID = {"type": "integer", "minimum": 1, "description": "The order id."}
ITEM = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 1, "description": "What is ordered."},
        "quantity": {"type": "integer", "minimum": 1, "description": "How many."},
        "unit_price": {"type": "number", "exclusiveMinimum": 0, "description": "Price of one, in currency units."},
    },
    "required": ["name", "quantity", "unit_price"],
    "additionalProperties": False,
}


def schema(properties: Dict[str, Any], required: List[str] = []) -> Dict[str, Any]:  # noqa: B006
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


READ_ONLY = types.ToolAnnotations(readOnlyHint=True)
TOOLS = [
    types.Tool(name="create_customer", description="Register a new customer (the email must be valid and not used by another customer)",
               inputSchema=schema({"name": {"type": "string", "minLength": 1, "description": "Full name."},
                                   "email": {"type": "string", "description": "Email address, e.g. ada@example.com."}},
                                  ["name", "email"])),
    types.Tool(name="list_customers", description="All customers, oldest first", inputSchema=schema({}), annotations=READ_ONLY),
    types.Tool(name="get_customer", description="One customer by id", inputSchema=schema({"customer_id": CUSTOMER_ID}, ["customer_id"]),
               annotations=READ_ONLY),
    types.Tool(name="place_order",
               description="Place an order for an existing customer: either `items` (the amount is their total) or a positive `amount`",
               inputSchema=schema({"customer_id": CUSTOMER_ID,
                                   "items": {"type": "array", "items": ITEM, "minItems": 1, "description": "The order lines."},
                                   "amount": {"type": "number", "exclusiveMinimum": 0, "description": "The total, when there are no items."}},
                                  ["customer_id"])),
    types.Tool(name="list_orders", description="All orders, oldest first, or those of one customer",
               inputSchema=schema({"customer_id": {**CUSTOMER_ID, "description": "Only the orders of this customer."}}),
               annotations=READ_ONLY),
    types.Tool(name="get_order", description="One order by id", inputSchema=schema({"order_id": ORDER_ID}, ["order_id"]),
               annotations=READ_ONLY),
    types.Tool(name="send_email", description="Send a plain-text e-mail (through the configured SMTP server)",
               inputSchema=schema({"to": {"type": "string", "description": "The recipient's address."},
                                   "subject": {"type": "string", "minLength": 1, "description": "One line."},
                                   "body": {"type": "string", "description": "The message, plain text."}},
                                  ["to", "subject", "body"]),
               annotations=types.ToolAnnotations(readOnlyHint=False, destructiveHint=False, openWorldHint=True)),
]

JSON = "application/json"
RESOURCES = [
    ("business://customers", "customers", "Every customer"),
    ("business://orders", "orders", "Every order"),
    ("custom://data/users", "users", "The data provider's users (the customers)"),
    ("custom://data/products", "products", "The data provider's product catalogue"),
    ("custom://data/orders", "data_orders", "The data provider's orders"),
]
RECORD = re.compile(r"^business://(customers|orders)/([1-9][0-9]{0,17})$")


def build(store: Store, mailer: Mailer) -> Server:
    """The low-level server over ``store``, sending e-mail through ``mailer``."""
    server = Server("mcpforge-business", version="1.0.0",
                    instructions="Customers and their orders, and e-mail to them. Create a customer before placing orders for it.")

    tools: Dict[str, Callable[[Dict[str, Any]], Any]] = {
        "create_customer": lambda a: store.add_customer(a["name"], a["email"]),
        "list_customers": lambda a: {"customers": list(store.customers.values())},
        "get_customer": lambda a: store.customer(a["customer_id"]),
        "place_order": lambda a: store.add_order(a["customer_id"], a.get("items"), a.get("amount")),
        "list_orders": lambda a: {"orders": store.list_orders(a.get("customer_id"))},
        "get_order": lambda a: store.order(a["order_id"]),
        "send_email": lambda a: mailer.send(a["to"], a["subject"], a["body"]),
    }

    @server.list_tools()
    async def list_tools() -> List[types.Tool]:
        return TOOLS

    @server.call_tool()
    async def call_tool(name: str, arguments: Dict[str, Any]) -> Dict[str, Any]:
        # The arguments were checked against the tool's inputSchema; a dict answer is sent as
        # structured content with its JSON text; an exception becomes a tool error (isError).
        if name not in tools:
            raise BusinessError(f"Unknown tool: {name}")
        return tools[name](arguments)  # type: ignore[no-any-return]

    @server.list_resources()
    async def list_resources() -> List[types.Resource]:
        return [types.Resource(uri=uri, name=name, description=description, mimeType=JSON)
                for uri, name, description in RESOURCES]

    @server.list_resource_templates()
    async def list_templates() -> List[types.ResourceTemplate]:
        return [types.ResourceTemplate(uriTemplate="business://customers/{id}", name="customer",
                                       description="One customer with its orders", mimeType=JSON),
                types.ResourceTemplate(uriTemplate="business://orders/{id}", name="order", description="One order",
                                       mimeType=JSON)]

    def record(uri: str) -> Any:
        fixed = {"business://customers": lambda: list(store.customers.values()),
                 "business://orders": lambda: list(store.orders.values()),
                 "custom://data/users": lambda: list(store.customers.values()),
                 "custom://data/products": lambda: list(store.products.values()),
                 "custom://data/orders": lambda: list(store.orders.values())}
        if uri in fixed:
            return fixed[uri]()
        match = RECORD.match(uri)
        if match and match.group(1) == "customers" and int(match.group(2)) in store.customers:
            customer_id = int(match.group(2))
            return {**store.customers[customer_id], "orders": store.list_orders(customer_id)}
        if match and match.group(1) == "orders" and int(match.group(2)) in store.orders:
            return store.orders[int(match.group(2))]
        raise ResourceNotFound(uri)

    @server.read_resource()
    async def read_resource(uri: Any) -> List[ReadResourceContents]:
        return [ReadResourceContents(content=json.dumps(record(str(uri)), indent=2), mime_type=JSON)]

    @server.list_prompts()
    async def list_prompts() -> List[types.Prompt]:
        return [types.Prompt(name="customer_followup", description="Draft a follow-up e-mail to a customer about their orders",
                             arguments=[types.PromptArgument(name="customer_id", description="The customer id", required=True)])]

    @server.get_prompt()
    async def get_prompt(name: str, arguments: Any) -> types.GetPromptResult:
        if name != "customer_followup":
            raise ValueError(f"Unknown prompt: {name}")
        raw = (arguments or {}).get("customer_id", "")
        if not str(raw).isdigit() or int(raw) not in store.customers:
            raise ValueError(f"Unknown customer: {raw}")
        customer = store.customers[int(raw)]
        orders = store.list_orders(customer["id"])
        text = (f"Draft a short, friendly follow-up e-mail to {customer['name']} <{customer['email']}> about "
                f"their {len(orders)} order(s), then send it with send_email. Their orders:\n{json.dumps(orders, indent=2)}")
        return types.GetPromptResult(description=f"Follow-up for customer {customer['id']}",
                                     messages=[types.PromptMessage(role="user", content=types.TextContent(type="text", text=text))])

    return server
