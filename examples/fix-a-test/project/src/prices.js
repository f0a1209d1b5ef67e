// Totals for a shopping cart. Prices are in cents to avoid floating-point rounding.

export function lineTotal(item) {
  return item.priceCents * item.quantity
}

export function cartTotal(items, { discountPercent = 0 } = {}) {
  const subtotal = items.reduce((sum, item) => sum + lineTotal(item), 0)
  const discount = Math.round((subtotal * discountPercent) / 10)
  return subtotal - discount
}
