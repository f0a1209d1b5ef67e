import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cartTotal, lineTotal } from '../src/prices.js'

const cart = [
  { name: 'pen', priceCents: 150, quantity: 4 },
  { name: 'notebook', priceCents: 899, quantity: 1 },
]

test('line total multiplies price by quantity', () => {
  assert.equal(lineTotal(cart[0]), 600)
})

test('cart total without discount', () => {
  assert.equal(cartTotal(cart), 1499)
})

test('cart total with a 10% discount', () => {
  assert.equal(cartTotal(cart, { discountPercent: 10 }), 1349)
})
