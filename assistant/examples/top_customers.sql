-- Top five customers by revenue from completed orders
SELECT c.name, c.country, SUM(o.amount) AS revenue, COUNT(*) AS orders
FROM customers AS c
JOIN orders AS o ON o.customer_id = c.customer_id
WHERE o.status = 'completed'
GROUP BY c.name, c.country
ORDER BY revenue DESC
LIMIT 5;
