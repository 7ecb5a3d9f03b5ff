-- sample.sql - the sample database of the example database servers: a small shop with
-- customers, products and orders (12 customers, 10 products, 30 orders). Every example
-- server that takes a database can create it from this script (see examples/README.md).
-- The values are fixed so the tests can check exact answers.

CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    city TEXT NOT NULL,
    country TEXT NOT NULL,
    joined_on TEXT NOT NULL
);

CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    price REAL NOT NULL CHECK (price >= 0),
    stock INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    product_id INTEGER NOT NULL REFERENCES products(id),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    ordered_on TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'shipped', 'delivered', 'cancelled'))
);

INSERT INTO customers (id, name, email, city, country, joined_on) VALUES
    (1, 'Ada Lovelace', 'ada@example.com', 'London', 'UK', '2023-01-15'),
    (2, 'Alan Turing', 'alan@example.com', 'Manchester', 'UK', '2023-02-03'),
    (3, 'Grace Hopper', 'grace@example.com', 'New York', 'USA', '2023-02-20'),
    (4, 'Edsger Dijkstra', 'edsger@example.com', 'Amsterdam', 'Netherlands', '2023-03-11'),
    (5, 'Barbara Liskov', 'barbara@example.com', 'Boston', 'USA', '2023-04-02'),
    (6, 'Donald Knuth', 'donald@example.com', 'Stanford', 'USA', '2023-05-19'),
    (7, 'Margaret Hamilton', 'margaret@example.com', 'Boston', 'USA', '2023-06-07'),
    (8, 'Niklaus Wirth', 'niklaus@example.com', 'Zurich', 'Switzerland', '2023-07-23'),
    (9, 'Frances Allen', 'frances@example.com', 'New York', 'USA', '2023-08-14'),
    (10, 'Tony Hoare', 'tony@example.com', 'Oxford', 'UK', '2023-09-30'),
    (11, 'Radia Perlman', 'radia@example.com', 'Seattle', 'USA', '2023-10-12'),
    (12, 'Guido van Rossum', 'guido@example.com', 'Amsterdam', 'Netherlands', '2023-11-28');

INSERT INTO products (id, name, category, price, stock) VALUES
    (1, 'Mechanical Keyboard', 'Peripherals', 89.5, 40),
    (2, 'Wireless Mouse', 'Peripherals', 24.99, 120),
    (3, '27-inch Monitor', 'Displays', 279.0, 15),
    (4, 'USB-C Hub', 'Accessories', 39.9, 75),
    (5, 'Laptop Stand', 'Accessories', 45.0, 60),
    (6, 'Noise-cancelling Headphones', 'Audio', 199.0, 25),
    (7, 'Webcam', 'Peripherals', 59.0, 50),
    (8, 'Desk Lamp', 'Accessories', 32.5, 80),
    (9, 'Portable SSD 1TB', 'Storage', 109.0, 35),
    (10, 'Bluetooth Speaker', 'Audio', 49.95, 45);

INSERT INTO orders (id, customer_id, product_id, quantity, ordered_on, status) VALUES
    (1, 1, 1, 1, '2024-01-05', 'delivered'),
    (2, 1, 2, 2, '2024-01-05', 'delivered'),
    (3, 2, 3, 1, '2024-01-12', 'delivered'),
    (4, 3, 6, 1, '2024-01-20', 'delivered'),
    (5, 4, 4, 3, '2024-02-01', 'delivered'),
    (6, 5, 9, 2, '2024-02-09', 'delivered'),
    (7, 6, 1, 1, '2024-02-14', 'cancelled'),
    (8, 7, 5, 1, '2024-02-28', 'delivered'),
    (9, 8, 7, 2, '2024-03-03', 'delivered'),
    (10, 9, 10, 1, '2024-03-15', 'delivered'),
    (11, 10, 8, 4, '2024-03-22', 'delivered'),
    (12, 11, 2, 1, '2024-04-01', 'delivered'),
    (13, 12, 3, 2, '2024-04-10', 'shipped'),
    (14, 3, 4, 1, '2024-04-18', 'delivered'),
    (15, 5, 6, 1, '2024-05-02', 'delivered'),
    (16, 2, 9, 1, '2024-05-11', 'cancelled'),
    (17, 6, 5, 2, '2024-05-20', 'delivered'),
    (18, 7, 1, 1, '2024-06-01', 'shipped'),
    (19, 1, 10, 2, '2024-06-09', 'delivered'),
    (20, 4, 7, 1, '2024-06-17', 'delivered'),
    (21, 8, 8, 2, '2024-07-04', 'delivered'),
    (22, 9, 2, 3, '2024-07-15', 'delivered'),
    (23, 10, 3, 1, '2024-07-29', 'shipped'),
    (24, 11, 9, 1, '2024-08-08', 'delivered'),
    (25, 12, 6, 1, '2024-08-19', 'pending'),
    (26, 3, 1, 2, '2024-09-02', 'pending'),
    (27, 5, 4, 1, '2024-09-13', 'shipped'),
    (28, 2, 10, 1, '2024-09-24', 'pending'),
    (29, 6, 7, 1, '2024-10-05', 'pending'),
    (30, 7, 9, 2, '2024-10-16', 'pending');
