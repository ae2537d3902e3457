import streamlit as st
st.title("facilitator")
